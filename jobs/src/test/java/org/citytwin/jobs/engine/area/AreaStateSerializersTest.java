package org.citytwin.jobs.engine.area;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.citytwin.jobs.engine.twin.GaugeChanges;
import org.junit.jupiter.api.Test;

/** The area's state serializers give back what they were given, field by field, also as copies. */
class AreaStateSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(serializer.copy(value)).usingRecursiveComparison().ignoringFields("live").isEqualTo(back);
        return back;
    }

    @Test
    void aGaugeAccumulatorKeepsSumsCountsAndItsMultisetIncludingNegativeCounts() throws Exception {
        GaugeAccumulator acc = new GaugeAccumulator();
        acc.change(70, 50, (byte) (GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES), true);
        acc.change(0, -12, (byte) GaugeChanges.NEW_INCLUDED, true);
        GaugeAccumulator back = roundTrip(AreaStateSerializers.Gauges.INSTANCE, acc);
        assertThat(back.sum).isEqualTo(-32);
        assertThat(back.included).isEqualTo(1);
        assertThat(back.matching).isEqualTo(1);
        assertThat(back.touched).isTrue();
        assertThat(back.values).containsExactly(-12, 50, 70);
        assertThat(back.counts).containsExactly(1, 1, -1);
    }

    @Test
    void aWindowAccumulatorKeepsItsLabelsAndItsSketch() throws Exception {
        WindowAccumulator acc = new WindowAccumulator();
        acc.add(30, "line-2", true, 0.1);
        acc.add(10, "line-1", true, 0.1);
        acc.add(20, "x".repeat(70_000), true, 0.1); // longer than writeUTF allows
        WindowAccumulator back = roundTrip(AreaStateSerializers.Windows.INSTANCE, acc);
        assertThat(back.count).isEqualTo(3);
        assertThat(back.sum).isEqualTo(60);
        assertThat(back.max).isEqualTo(30);
        assertThat(back.distinct).containsExactly("line-1", "line-2", "x".repeat(70_000));
        assertThat(back.quantile(0.5)).isEqualTo(acc.quantile(0.5));
        assertThat(back.quantile(0.99)).isEqualTo(acc.quantile(0.99));

        WindowAccumulator empty = roundTrip(AreaStateSerializers.Windows.INSTANCE, new WindowAccumulator());
        assertThat(empty.sketch).isNull();
        assertThat(empty.max).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void writtenValuesKeepTheirSlots() throws Exception {
        PointValues values = PointValues.empty();
        values.put(700, 1.5);
        values.put(3, -2.25);
        PointValues back = roundTrip(AreaStateSerializers.Written.INSTANCE, values);
        assertThat(back.get(3)).isEqualTo(-2.25);
        assertThat(back.get(700)).isEqualTo(1.5);
        assertThat(back.get(4)).isNaN();
    }

    @Test
    void partialsKeepTheirAreaBucketGroupsAndAccumulators() throws Exception {
        GaugeAccumulator change = new GaugeAccumulator();
        change.change(0, 42, (byte) GaugeChanges.NEW_INCLUDED, true);
        GaugePartial gauges = roundTrip(AreaStateSerializers.GaugePartials.INSTANCE,
                new GaugePartial("310101002", 1_751_328_300_000L, new int[] {4, 17}, new GaugeAccumulator[] {change, change}));
        assertThat(gauges.area).isEqualTo("310101002");
        assertThat(gauges.tick).isEqualTo(1_751_328_300_000L);
        assertThat(gauges.groups).containsExactly(4, 17);
        assertThat(gauges.changes[1].sum).isEqualTo(42);
        assertThat(gauges.changes[1].values).containsExactly(42);

        WindowAccumulator items = new WindowAccumulator();
        items.add(5, "A", true, 1.0);
        WindowPartial windows = roundTrip(AreaStateSerializers.WindowPartials.INSTANCE,
                new WindowPartial("310000", 1_751_328_600_000L, new int[] {9}, new WindowAccumulator[] {items.seal()}));
        assertThat(windows.area).isEqualTo("310000");
        assertThat(windows.end).isEqualTo(1_751_328_600_000L);
        assertThat(windows.groups).containsExactly(9);
        assertThat(windows.items[0].count).isEqualTo(1);
        assertThat(windows.items[0].distinct).containsExactly("A");
    }
}
