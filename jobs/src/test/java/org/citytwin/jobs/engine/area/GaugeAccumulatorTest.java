package org.citytwin.jobs.engine.area;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.citytwin.jobs.engine.twin.GaugeChanges;
import org.junit.jupiter.api.Test;

/**
 * The multiset behind MIN and MAX, collected unsorted in partials and sealed before it is read:
 * whatever the order of the changes and however they are split into partials and sealed, the
 * area holds exactly the values the assets hold now, checked against a plain count per value.
 */
class GaugeAccumulatorTest {

    private static final byte OUT = GaugeChanges.OLD_INCLUDED;
    private static final byte IN = GaugeChanges.NEW_INCLUDED;

    @Test
    void changesInAnyOrderAndAnySplitGiveTheAssetsCurrentValues() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int assets = 1 + random.nextInt(40);
            long[] current = new long[assets];
            boolean[] included = new boolean[assets];
            List<long[]> changes = new ArrayList<>(); // {old, new, flags}
            for (int step = 0; step < 5 * assets; step++) {
                int asset = random.nextInt(assets);
                long next = random.nextInt(12) - 3; // repeats, negatives and zero
                boolean stays = random.nextInt(5) > 0;
                byte flags = (byte) ((included[asset] ? OUT : 0) | (stays ? IN : 0));
                changes.add(new long[] {current[asset], next, flags});
                current[asset] = next;
                included[asset] = stays;
            }
            Collections.shuffle(changes, random); // partials and their changes arrive in any order

            GaugeAccumulator area = new GaugeAccumulator();
            GaugeAccumulator partial = new GaugeAccumulator();
            for (long[] change : changes) {
                partial.change(change[0], change[1], (byte) change[2], true);
                if (random.nextInt(4) == 0) { // a partial sent: sealed by the merge
                    area.merge(partial);
                    partial = new GaugeAccumulator();
                }
                if (random.nextInt(10) == 0) {
                    partial.seal(); // sealed early, then collecting again
                }
            }
            area.merge(partial);

            TreeMap<Long, Integer> expected = new TreeMap<>();
            for (int a = 0; a < assets; a++) {
                if (included[a]) {
                    expected.merge(current[a], 1, Integer::sum);
                }
            }
            area.seal(); // merged values wait unsorted until the multiset is read
            TreeMap<Long, Integer> held = new TreeMap<>();
            for (int i = 0; i < area.values.length; i++) {
                held.put(area.values[i], area.counts[i]);
            }
            assertThat(held).as("round " + round).isEqualTo(expected);
            assertThat(area.included).isEqualTo(expected.values().stream().mapToInt(Integer::intValue).sum());
            if (!expected.isEmpty()) {
                assertThat(area.min()).isEqualTo(expected.firstKey());
                assertThat(area.max()).isEqualTo(expected.lastKey());
            }
            assertThat(area.sum).isEqualTo(expected.entrySet().stream()
                    .mapToLong((Map.Entry<Long, Integer> e) -> e.getKey() * e.getValue()).sum());
        }
    }
}
