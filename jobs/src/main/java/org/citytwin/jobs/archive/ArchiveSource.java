package org.citytwin.jobs.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * Archive files read back one after the other in written order ({@link ArchiveFiles}), all by
 * the source's first subtask (the others finish at once): the engine then meets each partition's
 * records in the order it read them live. Flink's {@link FileSource} reads the files (gzip,
 * checkpointed read positions); only the order of the files is this class's own.
 */
public final class ArchiveSource implements Source<FeedRecord, FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> {

    private static final long serialVersionUID = 1L;

    private final FileSource<FeedRecord> files;
    private final List<FileSourceSplit> ordered;

    /** @param ordered the files to read, in that order (from {@link ArchiveFiles#between}) */
    public ArchiveSource(String root, StreamFormat<FeedRecord> format, List<FileSourceSplit> ordered) {
        this.files = FileSource.forRecordStreamFormat(format, new Path(root)).build();
        this.ordered = List.copyOf(ordered);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<FeedRecord, FileSourceSplit> createReader(SourceReaderContext context) throws Exception {
        return files.createReader(context);
    }

    @Override
    public SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> createEnumerator(
            SplitEnumeratorContext<FileSourceSplit> context) {
        return new InOrder(context, ordered);
    }

    @Override
    public SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> restoreEnumerator(
            SplitEnumeratorContext<FileSourceSplit> context, PendingSplitsCheckpoint<FileSourceSplit> checkpoint) {
        List<FileSourceSplit> remaining = new ArrayList<>(checkpoint.getSplits());
        remaining.sort(ArchiveFiles.WRITTEN_ORDER);
        return new InOrder(context, remaining);
    }

    @Override
    public SimpleVersionedSerializer<FileSourceSplit> getSplitSerializer() {
        return files.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<PendingSplitsCheckpoint<FileSourceSplit>> getEnumeratorCheckpointSerializer() {
        return files.getEnumeratorCheckpointSerializer();
    }

    /** Hands the files, in order, to subtask 0 only, one when it asks for the next. */
    private static final class InOrder implements SplitEnumerator<FileSourceSplit, PendingSplitsCheckpoint<FileSourceSplit>> {

        private final SplitEnumeratorContext<FileSourceSplit> context;
        private final Deque<FileSourceSplit> remaining;

        InOrder(SplitEnumeratorContext<FileSourceSplit> context, List<FileSourceSplit> ordered) {
            this.context = context;
            this.remaining = new ArrayDeque<>(ordered);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String hostname) {
            if (subtask != 0 || remaining.isEmpty()) {
                context.signalNoMoreSplits(subtask);
            } else {
                context.assignSplit(remaining.pollFirst(), subtask);
            }
        }

        @Override
        public void addSplitsBack(List<FileSourceSplit> splits, int subtask) {
            List<FileSourceSplit> back = new ArrayList<>(splits);
            back.sort(ArchiveFiles.WRITTEN_ORDER.reversed());
            back.forEach(remaining::addFirst);
        }

        @Override
        public void addReader(int subtask) {}

        @Override
        public PendingSplitsCheckpoint<FileSourceSplit> snapshotState(long checkpointId) {
            return PendingSplitsCheckpoint.fromCollectionSnapshot(new ArrayList<>(remaining));
        }

        @Override
        public void close() {}
    }
}
