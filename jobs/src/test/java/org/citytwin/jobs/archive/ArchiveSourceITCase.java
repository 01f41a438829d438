package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.jobs.engine.source.FeedWatermarks;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive source through a failure: a subtask fails once, after a checkpoint completed, in the
 * middle of its partitions' files; restarted, each partition goes on from the position of the
 * checkpoint, in order, and no line is skipped.
 */
class ArchiveSourceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final int PARTITIONS = 3;
    private static final int LINES_PER_FILE = 1_500;
    private static final long LINE_MS = 100;
    /** What the operator after the source saw: partition, line (its event time) and attempt. */
    private static final Queue<long[]> SEEN = new ConcurrentLinkedQueue<>();

    @Test
    void aRestartedReaderGoesOnFromItsCheckpointedPositionInEachPartitionWithoutGaps(@TempDir Path dir)
            throws Exception {
        List<ArchiveSplit> splits = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<String> files = new ArrayList<>();
            for (int f = 0; f < 2; f++) {
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < LINES_PER_FILE; i++) {
                    lines.add(String.valueOf(time(p, f * LINES_PER_FILE + i)));
                }
                files.add(gzip(dir.resolve("p" + p + "-" + f + ".jsonl.gz"), lines));
            }
            splits.add(new ArchiveSplit(p, files));
        }
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        SEEN.clear();
        env.fromSource(new ArchiveSource(new Times(), splits),
                        FeedWatermarks.strategy(Duration.ofSeconds(30), Duration.ofMinutes(1)), "archive")
                .map(new FailOnceAfterACheckpoint()).returns(TypeInformation.of(FeedRecord.class))
                .sinkTo(new DiscardingSink<>());
        env.execute("archive source failover");

        Map<Long, Map<Long, List<Long>>> byPartitionAndAttempt = new TreeMap<>();
        for (long[] seen : SEEN) {
            byPartitionAndAttempt.computeIfAbsent(seen[0], p -> new TreeMap<>())
                    .computeIfAbsent(seen[2], a -> new ArrayList<>()).add(seen[1]);
        }
        assertThat(byPartitionAndAttempt).hasSize(PARTITIONS);
        boolean resumedMidway = false;
        for (Map.Entry<Long, Map<Long, List<Long>>> partition : byPartitionAndAttempt.entrySet()) {
            long next = 0; // each attempt starts at or before where the one before it stopped, and reads on in order
            for (List<Long> lines : partition.getValue().values()) {
                long start = (lines.get(0) - time(partition.getKey().intValue(), 0)) / LINE_MS;
                assertThat(start).as("partition %d resumes at a line it had read", partition.getKey()).isLessThanOrEqualTo(next);
                for (int i = 0; i < lines.size(); i++) {
                    assertThat(lines.get(i)).as("partition %d in order", partition.getKey())
                            .isEqualTo(time(partition.getKey().intValue(), start + i));
                }
                resumedMidway |= start > 0;
                System.out.printf("partition %d: %d lines read from line %d%n", partition.getKey(), lines.size(), start);
                next = start + lines.size();
            }
            assertThat(next).as("partition %d read to its end", partition.getKey()).isEqualTo(2L * LINES_PER_FILE);
        }
        assertThat(resumedMidway).as("a partition resumed from a checkpoint, not from its start").isTrue();
    }

    /** Partition p's line i: its event time (ascending in the partition, so each line is known by it). */
    private static long time(int partition, long line) {
        return 1_751_328_000_000L + partition * 10_000_000L + line * LINE_MS;
    }

    private static String gzip(Path file, List<String> lines) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return file.toUri().toString();
    }

    /** A line is an accepted record whose event time is the line's number. */
    private static final class Times implements KafkaRecordDeserializationSchema<FeedRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FeedRecord> out) {
            long time = Long.parseLong(new String(record.value(), StandardCharsets.UTF_8));
            out.collect(new FeedRecord(new Event(null, "asset-1", time, null, null, null), null, record.value(),
                    record.topic(), record.partition(), record.offset()));
        }

        @Override
        public TypeInformation<FeedRecord> getProducedType() {
            return TypeInformation.of(FeedRecord.class);
        }
    }

    /** Notes each record with its attempt; subtask 0 reads slowly and fails once, a thousand records after a completed checkpoint. */
    private static final class FailOnceAfterACheckpoint extends RichMapFunction<FeedRecord, FeedRecord>
            implements CheckpointListener {
        private transient int attempt;
        private transient int subtask;
        private transient long seen;
        private transient boolean checkpointed;

        @Override
        public void open(OpenContext context) {
            attempt = getRuntimeContext().getTaskInfo().getAttemptNumber();
            subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        }

        @Override
        public FeedRecord map(FeedRecord record) throws Exception {
            SEEN.add(new long[] {record.partition(), record.event().time(), attempt});
            if (subtask == 0 && attempt == 0) {
                Thread.sleep(1); // checkpoints complete while it reads (the others run at full speed)
                if (checkpointed && ++seen > 1_000) {
                    throw new IllegalStateException("failing once, after a completed checkpoint");
                }
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
