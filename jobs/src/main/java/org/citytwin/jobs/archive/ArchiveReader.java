package org.citytwin.jobs.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.io.InputStatus;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * A source subtask's reader of archive partitions. Each partition is a split with its own
 * watermark, as each Kafka partition is in the live source, so the subtask's watermark is the
 * minimum over its partitions and never passes a partition that still has records to come; the
 * engine then sees, for every record, the watermarks it saw live (its partition's decides LATE; the
 * operator's is at most that) whatever the order in which the partitions are read.
 *
 * <p>Flink's reader base creates a split's watermark output with the split's first record; until
 * then the split would not hold the subtask's watermark back, and a partition read first would
 * carry it past the others. So the outputs of all assigned splits are created before any record is
 * emitted.
 */
final class ArchiveReader extends SingleThreadMultiplexSourceReaderBase<ArchiveLine, FeedRecord, ArchiveSplit, ArchiveReader.Position> {

    private final List<String> withoutOutput = new ArrayList<>();

    ArchiveReader(KafkaRecordDeserializationSchema<FeedRecord> deserializer, SourceReaderContext context) {
        super(() -> new ArchiveSplitReader(opened(deserializer)),
                (line, output, position) -> {
                    output.collect(line.record());
                    position.file = line.file();
                    position.linesRead = line.linesRead();
                },
                context.getConfiguration(),
                context);
    }

    private static KafkaRecordDeserializationSchema<FeedRecord> opened(
            KafkaRecordDeserializationSchema<FeedRecord> deserializer) {
        try {
            deserializer.open(null);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open the feed parser", e);
        }
        return deserializer;
    }

    @Override
    public void addSplits(List<ArchiveSplit> splits) {
        splits.forEach(s -> withoutOutput.add(s.splitId()));
        super.addSplits(splits);
    }

    @Override
    public InputStatus pollNext(ReaderOutput<FeedRecord> output) throws Exception {
        if (!withoutOutput.isEmpty()) {
            withoutOutput.forEach(output::createOutputForSplit); // the base class finds them
            withoutOutput.clear();
        }
        return super.pollNext(output);
    }

    @Override
    protected void onSplitFinished(Map<String, Position> finished) {}

    @Override
    protected Position initializedState(ArchiveSplit split) {
        return new Position(split);
    }

    @Override
    protected ArchiveSplit toSplitType(String splitId, Position position) {
        return position.split.at(position.file, position.linesRead);
    }

    /** How far a split was emitted. */
    static final class Position {
        final ArchiveSplit split;
        int file;
        long linesRead;

        Position(ArchiveSplit split) {
            this.split = split;
            this.file = split.file();
            this.linesRead = split.linesRead();
        }
    }
}
