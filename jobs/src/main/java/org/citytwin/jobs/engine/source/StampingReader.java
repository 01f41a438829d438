package org.citytwin.jobs.engine.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;

/**
 * Reads the feed through the source's own reader and stamps each accepted record with the
 * watermark of its partition from the records before it ({@link FeedRecord#partitionWatermark}).
 * The partitions' watermarks are kept in the reader's checkpoint, each in its split
 * ({@link StampedSplit}), so they follow their partitions through any restore.
 */
final class StampingReader<S extends SourceSplit> implements SourceReader<FeedRecord, StampedSplit<S>> {

    private final SourceReader<FeedRecord, S> reader;
    private final FeedSource.PartitionOf<S> partitionOf;
    private final long maxOutOfOrdernessMs;
    /** Per partition number: its watermark after the records read so far (MIN_VALUE: none yet). */
    private long[] watermarks = new long[0];
    private ReaderOutput<FeedRecord> output;
    private Stamping stamping;

    StampingReader(SourceReader<FeedRecord, S> reader, FeedSource.PartitionOf<S> partitionOf, long maxOutOfOrdernessMs) {
        this.reader = reader;
        this.partitionOf = partitionOf;
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<FeedRecord> readerOutput) throws Exception {
        if (readerOutput != output) {
            output = readerOutput;
            stamping = new Stamping(readerOutput);
        }
        return reader.pollNext(stamping);
    }

    /** The record with its partition's watermark before it; an accepted record moves that watermark. */
    FeedRecord stamp(FeedRecord record) {
        if (!record.accepted()) {
            return record;
        }
        int partition = record.partition();
        long before = watermark(partition);
        long after = FeedWatermarks.watermarkAfter(record.event().time(), maxOutOfOrdernessMs);
        if (after > before) {
            watermarks[partition] = after;
        }
        return record.withPartitionWatermark(before);
    }

    private long watermark(int partition) {
        if (partition >= watermarks.length) {
            int length = watermarks.length;
            watermarks = Arrays.copyOf(watermarks, partition + 1);
            Arrays.fill(watermarks, length, watermarks.length, Long.MIN_VALUE);
        }
        return watermarks[partition];
    }

    @Override
    public List<StampedSplit<S>> snapshotState(long checkpointId) {
        List<S> splits = reader.snapshotState(checkpointId);
        List<StampedSplit<S>> stamped = new ArrayList<>(splits.size());
        for (S split : splits) {
            stamped.add(new StampedSplit<>(split, watermark(partitionOf.partition(split))));
        }
        return stamped;
    }

    @Override
    public void addSplits(List<StampedSplit<S>> splits) {
        List<S> plain = new ArrayList<>(splits.size());
        for (StampedSplit<S> stamped : splits) {
            int partition = partitionOf.partition(stamped.split());
            long watermark = Math.max(watermark(partition), stamped.watermark()); // grows the array first
            watermarks[partition] = watermark;
            plain.add(stamped.split());
        }
        reader.addSplits(plain);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return reader.isAvailable();
    }

    @Override
    public void notifyNoMoreSplits() {
        reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
        reader.handleSourceEvents(event);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
        reader.pauseOrResumeSplits(toPause, toResume);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void close() throws Exception {
        reader.close();
    }

    /** A split's output (the source reader emits through one per split), stamping what it passes on. */
    private class StampingSplitOutput implements SourceOutput<FeedRecord> {

        private final SourceOutput<FeedRecord> out;

        StampingSplitOutput(SourceOutput<FeedRecord> out) {
            this.out = out;
        }

        @Override
        public void collect(FeedRecord record) {
            out.collect(stamp(record));
        }

        @Override
        public void collect(FeedRecord record, long timestamp) {
            out.collect(stamp(record), timestamp);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            out.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            out.markIdle();
        }

        @Override
        public void markActive() {
            out.markActive();
        }
    }

    /** The reader's output, stamping what it passes on and handing out stamping split outputs. */
    private final class Stamping extends StampingSplitOutput implements ReaderOutput<FeedRecord> {

        private final ReaderOutput<FeedRecord> out;

        Stamping(ReaderOutput<FeedRecord> out) {
            super(out);
            this.out = out;
        }

        @Override
        public SourceOutput<FeedRecord> createOutputForSplit(String splitId) {
            return new StampingSplitOutput(out.createOutputForSplit(splitId));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            out.releaseOutputForSplit(splitId);
        }
    }
}
