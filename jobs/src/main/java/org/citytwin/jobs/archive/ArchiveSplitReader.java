package org.citytwin.jobs.archive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * Reads the archive partitions assigned to one source subtask, each in its written order, and hands
 * each line to the same deserializer a Kafka record of the feed goes through, as a record of topic
 * {@value #TOPIC}, its Kafka partition, and offset the line's number in its file. Each fetch reads a
 * batch of the partition that is furthest behind in event time, so the partitions advance together
 * and the engine holds few records waiting for the slowest partition's watermark. (Which partition
 * is read when changes no point: each has its own watermark, see {@link ArchiveReader}.)
 */
final class ArchiveSplitReader implements SplitReader<ArchiveLine, ArchiveSplit> {

    static final String TOPIC = "archive";
    private static final int BATCH = 512;

    private final KafkaRecordDeserializationSchema<FeedRecord> deserializer;
    private final Map<String, Cursor> cursors = new LinkedHashMap<>();

    ArchiveSplitReader(KafkaRecordDeserializationSchema<FeedRecord> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public RecordsWithSplitIds<ArchiveLine> fetch() throws IOException {
        RecordsBySplits.Builder<ArchiveLine> batch = new RecordsBySplits.Builder<>();
        Cursor behind = null;
        for (Cursor c : cursors.values()) {
            if (behind == null || c.clock < behind.clock) {
                behind = c;
            }
        }
        if (behind == null) {
            return batch.build();
        }
        List<ArchiveLine> lines = new ArrayList<>(BATCH);
        if (!behind.read(BATCH, lines)) {
            behind.close();
            cursors.remove(behind.split.splitId());
            batch.addFinishedSplit(behind.split.splitId());
        }
        batch.addAll(behind.split.splitId(), lines);
        return batch.build();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<ArchiveSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("archive splits are only ever added, not " + change);
        }
        for (ArchiveSplit split : change.splits()) {
            cursors.put(split.splitId(), new Cursor(split));
        }
    }

    @Override
    public void wakeUp() {
        // A fetch reads at most one batch of local or remote file lines and returns.
    }

    @Override
    public void close() throws IOException {
        for (Cursor c : cursors.values()) {
            c.close();
        }
        cursors.clear();
    }

    /** Where a partition is being read. */
    private final class Cursor implements Collector<FeedRecord> {

        final ArchiveSplit split;
        /** The highest event time of the partition's accepted records read so far. */
        long clock = Long.MIN_VALUE;
        private int file;
        private long line;
        private BufferedReader reader;
        private List<ArchiveLine> into;

        Cursor(ArchiveSplit split) {
            this.split = split;
            this.file = split.file();
            this.line = split.linesRead();
        }

        /** Reads up to {@code max} lines into {@code out}; false when the partition has no more. */
        boolean read(int max, List<ArchiveLine> out) throws IOException {
            into = out;
            for (int n = 0; n < max; n++) {
                String text = nextLine();
                if (text == null) {
                    return false;
                }
                deserializer.deserialize(new ConsumerRecord<>(TOPIC, split.partition(), line, null,
                        text.getBytes(StandardCharsets.UTF_8)), this);
            }
            return true;
        }

        @Override
        public void collect(FeedRecord record) {
            if (record.accepted()) {
                clock = Math.max(clock, record.event().time());
            }
            into.add(new ArchiveLine(record, file, line));
        }

        /** The next line of the partition, across its files; null at its end. */
        private String nextLine() throws IOException {
            while (file < split.files().size()) {
                if (reader == null) {
                    reader = open(split.files().get(file));
                    for (long skipped = 0; skipped < line; skipped++) { // restored mid-file
                        if (reader.readLine() == null) {
                            throw new IOException(split.files().get(file) + " has fewer than the " + line
                                    + " lines a checkpoint read of it");
                        }
                    }
                }
                String text = reader.readLine();
                if (text != null) {
                    line++;
                    return text;
                }
                reader.close();
                reader = null;
                file++;
                line = 0;
            }
            return null;
        }

        private BufferedReader open(String path) throws IOException {
            Path p = new Path(path);
            return new BufferedReader(new InputStreamReader(new GZIPInputStream(p.getFileSystem().open(p), 64 * 1024),
                    StandardCharsets.UTF_8), 64 * 1024);
        }

        @Override
        public void close() {
            try {
                if (reader != null) {
                    reader.close();
                }
            } catch (IOException ignored) {
                // read-only; nothing is lost
            }
            reader = null;
        }
    }
}
