package org.citytwin.jobs.archive;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * The archived feed as a bounded source that reads like the live Kafka source: one split per Kafka
 * partition ({@link ArchiveFiles}), read in the order it was written, with its own watermark
 * ({@link ArchiveReader}), and its records carry their Kafka partition, so the engine keys, stamps
 * and decides them as it did live. Partition {@code p} goes to subtask {@code p mod parallelism},
 * all of a subtask's partitions when it registers (a partition handed out later could find its
 * subtask's watermark already past it).
 */
public final class ArchiveSource implements Source<FeedRecord, ArchiveSplit, List<ArchiveSplit>> {

    private static final long serialVersionUID = 1L;

    private final KafkaRecordDeserializationSchema<FeedRecord> deserializer;
    private final List<ArchiveSplit> partitions;

    /**
     * @param deserializer the feed's deserializer, given each line as a record of its partition
     * @param partitions the partitions to read (from {@link ArchiveFiles#between})
     */
    public ArchiveSource(KafkaRecordDeserializationSchema<FeedRecord> deserializer, List<ArchiveSplit> partitions) {
        this.deserializer = deserializer;
        this.partitions = List.copyOf(partitions);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<FeedRecord, ArchiveSplit> createReader(SourceReaderContext context) {
        return new ArchiveReader(deserializer, context);
    }

    @Override
    public SplitEnumerator<ArchiveSplit, List<ArchiveSplit>> createEnumerator(SplitEnumeratorContext<ArchiveSplit> context) {
        return new ByPartition(context, partitions);
    }

    @Override
    public SplitEnumerator<ArchiveSplit, List<ArchiveSplit>> restoreEnumerator(SplitEnumeratorContext<ArchiveSplit> context,
            List<ArchiveSplit> pending) {
        return new ByPartition(context, pending);
    }

    @Override
    public SimpleVersionedSerializer<ArchiveSplit> getSplitSerializer() {
        return ArchiveSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<ArchiveSplit>> getEnumeratorCheckpointSerializer() {
        return ArchiveSplit.PendingSerializer.INSTANCE;
    }

    /** Hands each subtask, when it registers, all its partitions at once, then no more. */
    private static final class ByPartition implements SplitEnumerator<ArchiveSplit, List<ArchiveSplit>> {

        private final SplitEnumeratorContext<ArchiveSplit> context;
        private final List<ArchiveSplit> pending;

        ByPartition(SplitEnumeratorContext<ArchiveSplit> context, List<ArchiveSplit> pending) {
            this.context = context;
            this.pending = new ArrayList<>(pending);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String hostname) {
            // Splits are assigned when a reader registers.
        }

        @Override
        public void addSplitsBack(List<ArchiveSplit> splits, int subtask) {
            pending.addAll(splits); // a failed reader's splits, as of the last checkpoint; it registers again
        }

        @Override
        public void addReader(int subtask) {
            int parallelism = context.currentParallelism();
            for (Iterator<ArchiveSplit> it = pending.iterator(); it.hasNext(); ) {
                ArchiveSplit split = it.next();
                if (split.partition() % parallelism == subtask) {
                    context.assignSplit(split, subtask);
                    it.remove();
                }
            }
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public List<ArchiveSplit> snapshotState(long checkpointId) {
            return new ArrayList<>(pending);
        }

        @Override
        public void close() {}
    }
}
