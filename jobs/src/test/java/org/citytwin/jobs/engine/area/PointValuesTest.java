package org.citytwin.jobs.engine.area;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The values written for an area at one time hold the last value put per slot, in slot order, at any size. */
class PointValuesTest {

    @Test
    void holdsTheLastValuePerSlotInSlotOrderAsAMapWould() {
        Random random = new Random(7);
        PointValues values = PointValues.empty();
        TreeMap<Integer, Double> reference = new TreeMap<>();
        for (int i = 0; i < 3_000; i++) {
            int slot = i < 1_000 ? i : random.nextInt(2_000); // ascending first (the usual order), then anywhere
            double value = random.nextDouble();
            values.put(slot, value);
            reference.put(slot, value);
        }
        assertThat(values.size()).isEqualTo(reference.size());
        int i = 0;
        for (var entry : reference.entrySet()) {
            assertThat(values.slot(i)).isEqualTo(entry.getKey());
            assertThat(values.value(i)).isEqualTo(entry.getValue());
            i++;
        }
        for (int slot = 0; slot < 2_001; slot++) {
            Double expected = reference.get(slot);
            if (expected == null) {
                assertThat(values.get(slot)).as("slot %d was not written", slot).isNaN();
            } else {
                assertThat(values.get(slot)).isEqualTo(expected);
            }
        }
    }
}
