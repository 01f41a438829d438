package org.citytwin.jobs.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.kafka.common.TopicPartition;
import org.citytwin.jobs.archive.ArchiveSource;
import org.citytwin.jobs.archive.ArchiveSplit;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;

/**
 * The feed's reader stamps each record with the watermark of its partition from the records before
 * it, and that watermark travels in the partition's split: through a reader's checkpoint restored
 * at another parallelism, and through the enumerator when a failed reader gives a split back.
 */
class StampingReaderTest {

    private static final int PARTITIONS = 8;
    private static final long OUT_OF_ORDERNESS = 30_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z

    @Test
    void eachRecordMeetsTheWatermarkOfTheRecordsBeforeItInItsPartition() throws Exception {
        Partitions feed = new Partitions();
        feed.add(0, T0 + 45_500).add(1, T0 + 90_000).add(0, T0 + 10_000).add(0, T0 + 50_000).add(0, T0);
        feed.rejected(0);
        StampingReader<KafkaPartitionSplit> reader = feed.reader();
        reader.addSplits(List.of(new StampedSplit<>(split(0, 0), Long.MIN_VALUE),
                new StampedSplit<>(split(1, 0), Long.MIN_VALUE)));
        List<FeedRecord> read = readAll(reader);

        assertThat(read).extracting(FeedRecord::partition, FeedRecord::offset, FeedRecord::partitionWatermark)
                .containsExactly(
                        tuple(0, 0L, Long.MIN_VALUE),
                        tuple(1, 0L, Long.MIN_VALUE), // another partition
                        // behind: floor((45.5 s - 30 s - 1 ms) / 1 s) s
                        tuple(0, 1L, T0 + 15_000),
                        tuple(0, 2L, T0 + 15_000), // an earlier record does not move it
                        tuple(0, 3L, T0 + 19_000),
                        tuple(0, 4L, Long.MIN_VALUE)); // rejected: not stamped
        assertThat(reader.snapshotState(1)).extracting(StampedSplit::splitId, s -> s.split().getStartingOffset(),
                StampedSplit::watermark).containsExactly(
                        tuple("feed-0", 5L, T0 + 19_000),
                        tuple("feed-1", 1L, T0 + 59_000));
    }

    @Test
    void aPartitionsWatermarkFollowsItsSplitAfterARestoreAtTwiceAndHalfTheParallelism() throws Exception {
        assertRestoredWatermarks(2, 4);
        assertRestoredWatermarks(4, 2);
    }

    /**
     * Partition p's first record has time T0 + p minutes + 40 s, so its watermark is T0 + p minutes
     * + 9 s; its second record, read after the splits were checkpointed at one parallelism, serialized
     * and handed round-robin to the readers of another (as Flink redistributes reader state), must
     * meet that watermark.
     */
    private static void assertRestoredWatermarks(int before, int after) throws Exception {
        Partitions feed = new Partitions();
        for (int p = 0; p < PARTITIONS; p++) {
            feed.add(p, T0 + p * 60_000L + 40_000).add(p, T0);
        }
        StampedSplit.Serializer<KafkaPartitionSplit> serializer = new StampedSplit.Serializer<>(new KafkaPartitionSplitSerializer());
        List<byte[]> checkpoint = new ArrayList<>();
        for (int subtask = 0; subtask < before; subtask++) {
            StampingReader<KafkaPartitionSplit> reader = feed.reader();
            List<StampedSplit<KafkaPartitionSplit>> splits = new ArrayList<>();
            for (int p = subtask; p < PARTITIONS; p += before) {
                splits.add(new StampedSplit<>(split(p, 0), Long.MIN_VALUE));
            }
            reader.addSplits(splits);
            readFirstOfEach(reader, splits.size());
            for (StampedSplit<KafkaPartitionSplit> split : reader.snapshotState(1)) {
                checkpoint.add(serializer.serialize(split));
            }
        }
        Map<Integer, Long> expected = new TreeMap<>();
        Map<Integer, Long> stamped = new TreeMap<>();
        for (int subtask = 0; subtask < after; subtask++) {
            StampingReader<KafkaPartitionSplit> reader = feed.reader();
            List<StampedSplit<KafkaPartitionSplit>> splits = new ArrayList<>();
            for (int i = subtask; i < checkpoint.size(); i += after) {
                splits.add(serializer.deserialize(serializer.getVersion(), checkpoint.get(i)));
            }
            reader.addSplits(splits);
            for (FeedRecord record : readAll(reader)) {
                expected.put(record.partition(), T0 + record.partition() * 60_000L + 9_000);
                stamped.put(record.partition(), record.partitionWatermark());
                assertThat(record.offset()).as("read on from the checkpointed position").isEqualTo(1);
            }
        }
        assertThat(stamped).as("each partition's first stamp after the restore %d -> %d", before, after)
                .hasSize(PARTITIONS).isEqualTo(expected);
    }

    @Test
    void aCheckpointOfThePlainSourceIsRefusedNotMisread() throws Exception {
        KafkaPartitionSplitSerializer kafka = new KafkaPartitionSplitSerializer();
        byte[] plain = kafka.serialize(split(2, 41));
        StampedSplit.Serializer<KafkaPartitionSplit> serializer = new StampedSplit.Serializer<>(kafka);
        assertThatThrownBy(() -> serializer.deserialize(kafka.getVersion(), plain))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("feed split version 0 is not known (1000001 is): a savepoint taken before the feed's "
                        + "splits carried their partition's watermark cannot be restored");
    }

    @Test
    void aSplitGivenBackKeepsItsWatermarkThroughTheEnumeratorsCheckpoint() throws Exception {
        ArchiveSplit partition3 = new ArchiveSplit(3, List.of("2025-07-01/00/partition-3/part-0.jsonl.gz"));
        // The enumerator never reads records: no deserializer.
        Source<FeedRecord, ?, ?> stamped = new FeedSource<>(new ArchiveSource(null, List.of(partition3)),
                ArchiveSplit::partition).stamped(OUT_OF_ORDERNESS);
        assertThat(assignedAfterGivingBack(stamped)).containsExactly(
                Map.entry("partition-3", Long.MIN_VALUE), Map.entry("partition-3", T0 + 9_000));
    }

    /**
     * The first assignment, then the split given back with a watermark, the enumerator checkpointed
     * and restored, and the split assigned again: both assignments (split id, watermark).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Map.Entry<String, Long>> assignedAfterGivingBack(Source stamped) throws Exception {
        Context context = new Context();
        SplitEnumerator enumerator = stamped.createEnumerator(context);
        enumerator.start();
        enumerator.addReader(0);
        StampedSplit<?> first = context.assigned.get(0);
        enumerator.addSplitsBack(List.of(new StampedSplit<>(first.split(), T0 + 9_000)), 0);
        var serializer = stamped.getEnumeratorCheckpointSerializer();
        Object restoredState = serializer.deserialize(serializer.getVersion(), serializer.serialize(enumerator.snapshotState(2)));
        SplitEnumerator restored = stamped.restoreEnumerator(context, restoredState);
        restored.start();
        restored.addReader(0);
        List<Map.Entry<String, Long>> assignments = new ArrayList<>();
        for (StampedSplit<?> split : context.assigned) {
            assignments.add(Map.entry(split.splitId(), split.watermark()));
        }
        return assignments;
    }

    private static KafkaPartitionSplit split(int partition, long offset) {
        return new KafkaPartitionSplit(new TopicPartition("feed", partition), offset);
    }

    /** Reads one record of each of {@code n} splits (the reader takes its splits in turn). */
    private static void readFirstOfEach(StampingReader<KafkaPartitionSplit> reader, int n) throws Exception {
        Collected out = new Collected();
        for (int i = 0; i < n; i++) {
            reader.pollNext(out);
        }
    }

    private static List<FeedRecord> readAll(StampingReader<KafkaPartitionSplit> reader) throws Exception {
        Collected out = new Collected();
        while (reader.pollNext(out) == InputStatus.MORE_AVAILABLE) {
            // reads on
        }
        return out.records;
    }

    /** The feed's partitions as lists of records; readers over them emit through per-split outputs, as Flink's do. */
    private static final class Partitions {

        private final Map<Integer, List<FeedRecord>> records = new HashMap<>();

        Partitions add(int partition, long time) {
            Event event = new Event(null, "AQ-" + partition, time, Map.of("aqi", 50.0), null, Map.of());
            return append(partition, event, null);
        }

        Partitions rejected(int partition) {
            return append(partition, null, new org.citytwin.model.event.Rejection(
                    org.citytwin.model.event.RejectReason.MALFORMED_JSON, "not JSON"));
        }

        private Partitions append(int partition, Event event, org.citytwin.model.event.Rejection rejection) {
            List<FeedRecord> list = records.computeIfAbsent(partition, p -> new ArrayList<>());
            list.add(new FeedRecord(event, rejection, "{}".getBytes(StandardCharsets.UTF_8), "feed", partition, list.size()));
            return this;
        }

        StampingReader<KafkaPartitionSplit> reader() {
            return new StampingReader<>(new ListReader(records), KafkaPartitionSplit::getPartition, OUT_OF_ORDERNESS);
        }
    }

    /** Emits its splits' records in turn, one per poll, each through its split's output; positions are offsets. */
    private static final class ListReader implements SourceReader<FeedRecord, KafkaPartitionSplit> {

        private final Map<Integer, List<FeedRecord>> records;
        private final Map<Integer, Long> positions = new TreeMap<>();
        private final Map<Integer, SourceOutput<FeedRecord>> outputs = new HashMap<>();
        private int next;

        ListReader(Map<Integer, List<FeedRecord>> records) {
            this.records = records;
        }

        @Override
        public InputStatus pollNext(ReaderOutput<FeedRecord> output) {
            List<Integer> open = positions.keySet().stream()
                    .filter(p -> positions.get(p) < records.get(p).size()).toList();
            if (open.isEmpty()) {
                return InputStatus.END_OF_INPUT;
            }
            int partition = open.get(next++ % open.size());
            long offset = positions.get(partition);
            outputs.computeIfAbsent(partition, p -> output.createOutputForSplit("feed-" + p))
                    .collect(records.get(partition).get((int) offset));
            positions.put(partition, offset + 1);
            return InputStatus.MORE_AVAILABLE;
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            List<KafkaPartitionSplit> splits = new ArrayList<>();
            positions.forEach((p, offset) -> splits.add(split(p, offset)));
            return splits;
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> splits) {
            splits.forEach(s -> positions.put(s.getPartition(), s.getStartingOffset()));
        }

        @Override
        public void start() {}

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() {}
    }

    /** What the reader emitted, in order, from the main output and the split outputs alike. */
    private static final class Collected implements ReaderOutput<FeedRecord> {

        final List<FeedRecord> records = new ArrayList<>();

        @Override
        public void collect(FeedRecord record) {
            records.add(record);
        }

        @Override
        public void collect(FeedRecord record, long timestamp) {
            records.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<FeedRecord> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    /** One reader (subtask 0) at parallelism 1; records the splits assigned to it. */
    private static final class Context implements SplitEnumeratorContext<StampedSplit<?>> {

        final List<StampedSplit<?>> assigned = new ArrayList<>();

        @Override
        public void assignSplits(SplitsAssignment<StampedSplit<?>> assignment) {
            assignment.assignment().values().forEach(assigned::addAll);
        }

        @Override
        public int currentParallelism() {
            return 1;
        }

        @Override
        public void signalNoMoreSplits(int subtask) {}

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sendEventToSourceReader(int subtask, org.apache.flink.api.connector.source.SourceEvent event) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return Map.of(0, new ReaderInfo(0, "localhost"));
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            throw new UnsupportedOperationException();
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }
}
