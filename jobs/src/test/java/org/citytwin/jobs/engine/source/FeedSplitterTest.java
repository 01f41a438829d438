package org.citytwin.jobs.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;

/**
 * The splitter stamps each record with the watermark of its partition from the records before it,
 * and that watermark follows its partition through a restore at another parallelism.
 */
class FeedSplitterTest {

    private static final int MAX_PARALLELISM = 128;
    private static final int PARTITIONS = 8;
    private static final long OUT_OF_ORDERNESS = 30_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters",
            TypeInformation.of(DeadLetter.class));

    @Test
    void eachRecordMeetsTheWatermarkOfTheRecordsBeforeItInItsPartition() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<Integer, FeedRecord, FeedRecord> harness = harness(1, 0)) {
            harness.open();
            assertThat(stamp(harness, 0, T0 + 45_500)).isEqualTo(Long.MIN_VALUE);
            assertThat(stamp(harness, 1, T0 + 90_000)).as("another partition").isEqualTo(Long.MIN_VALUE);
            assertThat(stamp(harness, 0, T0 + 10_000)).as("behind: floor((45.5 s - 30 s - 1 ms) / 1 s) s")
                    .isEqualTo(T0 + 15_000);
            assertThat(stamp(harness, 0, T0 + 50_000)).as("an earlier record does not move it").isEqualTo(T0 + 15_000);
            assertThat(stamp(harness, 0, T0)).isEqualTo(T0 + 19_000);
        }
    }

    @Test
    void aPartitionsWatermarkFollowsItToItsSubtaskAfterARestoreAtTwiceAndHalfTheParallelism() throws Exception {
        OperatorSubtaskState atTwo = snapshotAfterOneRecordPerPartition(2);
        assertRestoredWatermarks(atTwo, 2, 4);
        OperatorSubtaskState atFour = snapshotAfterOneRecordPerPartition(4);
        assertRestoredWatermarks(atFour, 4, 2);
    }

    /** Partition p's highest time is T0 + p minutes + 40 s, so its watermark is T0 + p minutes + 9 s. */
    private static OperatorSubtaskState snapshotAfterOneRecordPerPartition(int parallelism) throws Exception {
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            try (KeyedOneInputStreamOperatorTestHarness<Integer, FeedRecord, FeedRecord> harness =
                    harness(parallelism, subtask)) {
                harness.open();
                for (int p = 0; p < PARTITIONS; p++) {
                    if (subtaskOf(p, parallelism) == subtask) {
                        stamp(harness, p, T0 + p * 60_000L + 40_000);
                    }
                }
                snapshots.add(harness.snapshot(1, 1));
            }
        }
        return AbstractStreamOperatorTestHarness.repackageState(snapshots.toArray(new OperatorSubtaskState[0]));
    }

    private static void assertRestoredWatermarks(OperatorSubtaskState snapshot, int before, int after) throws Exception {
        Map<Integer, Long> expected = new java.util.TreeMap<>();
        Map<Integer, Long> stamped = new java.util.TreeMap<>();
        for (int subtask = 0; subtask < after; subtask++) {
            try (KeyedOneInputStreamOperatorTestHarness<Integer, FeedRecord, FeedRecord> harness = harness(after, subtask)) {
                harness.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(snapshot,
                        MAX_PARALLELISM, before, after, subtask));
                harness.open();
                for (int p = 0; p < PARTITIONS; p++) {
                    if (subtaskOf(p, after) == subtask) {
                        expected.put(p, T0 + p * 60_000L + 9_000);
                        stamped.put(p, stamp(harness, p, T0));
                    }
                }
            }
        }
        assertThat(stamped).as("each partition's first stamp after the restore %d -> %d", before, after)
                .hasSize(PARTITIONS).isEqualTo(expected);
    }

    private static int subtaskOf(int partition, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(partition, MAX_PARALLELISM, parallelism);
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, FeedRecord, FeedRecord> harness(int parallelism,
            int subtask) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FeedSplitter(DEAD_LETTERS, null, "live", OUT_OF_ORDERNESS)),
                FeedSplitter.PARTITION, Types.INT, MAX_PARALLELISM, parallelism, subtask);
    }

    /** Sends a reading of {@code time} from {@code partition} and returns the partition watermark it was stamped with. */
    private static long stamp(KeyedOneInputStreamOperatorTestHarness<Integer, FeedRecord, FeedRecord> harness,
            int partition, long time) throws Exception {
        Event event = new Event(null, "AQ-" + partition, time, Map.of("aqi", 50.0), null, Map.of());
        harness.processElement(new StreamRecord<>(new FeedRecord(event, null,
                "{}".getBytes(StandardCharsets.UTF_8), "feed", partition, 0), time));
        List<FeedRecord> out = harness.extractOutputValues();
        return out.get(out.size() - 1).partitionWatermark();
    }
}
