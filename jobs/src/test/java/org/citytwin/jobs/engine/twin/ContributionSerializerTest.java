package org.citytwin.jobs.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Both kinds of contribution come back as the same kind with every field, null labels included. */
class ContributionSerializerTest {

    private static Contribution roundTrip(Contribution contribution) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        ContributionSerializer.INSTANCE.serialize(contribution, out);
        return ContributionSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void gaugeChangesComeBackWhole() throws Exception {
        GaugeChanges changes = new GaugeChanges("310101002", 1_751_328_060_000L, new int[] {3, 17},
                new long[] {50, -7}, new long[] {80, 0}, new byte[] {GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED,
                        GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES});
        Contribution back = roundTrip(changes);
        assertThat(back).isInstanceOf(GaugeChanges.class).usingRecursiveComparison().isEqualTo(changes);
    }

    @Test
    void windowItemsComeBackWholeWithTheirNullLabels() throws Exception {
        WindowItems items = new WindowItems("310104003", 1_751_328_012_345L, new int[] {5, 9, 40},
                new long[] {1, 0, 1_250}, new String[] {null, "smoke", null});
        Contribution back = roundTrip(items);
        assertThat(back).isInstanceOf(WindowItems.class).usingRecursiveComparison().isEqualTo(items);
    }
}
