package org.citytwin.jobs.archive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * Reads an archive file (FileSource has already undone the gzip) line by line and hands each line
 * to the same deserializer a Kafka record of the feed goes through, so an archived record is parsed
 * and validated again exactly as it was live. Its source position is topic {@code archive},
 * partition 0 and the line's number in its file.
 */
public final class ArchiveLines extends SimpleStreamFormat<FeedRecord> {

    private static final long serialVersionUID = 1L;
    public static final String TOPIC = "archive";

    private final KafkaRecordDeserializationSchema<FeedRecord> deserializer;
    private transient boolean opened;

    public ArchiveLines(KafkaRecordDeserializationSchema<FeedRecord> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public Reader<FeedRecord> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        synchronized (this) {
            if (!opened) {
                try {
                    deserializer.open(null);
                } catch (Exception e) {
                    throw new IOException("cannot open the feed parser", e);
                }
                opened = true;
            }
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 64 * 1024);
        return new Reader<>() {
            private final Deque<FeedRecord> parsed = new ArrayDeque<>(2);
            private final Collector<FeedRecord> into = new Collector<>() {
                @Override
                public void collect(FeedRecord record) {
                    parsed.add(record);
                }

                @Override
                public void close() {}
            };
            private long lineNumber;

            @Override
            public FeedRecord read() throws IOException {
                while (parsed.isEmpty()) {
                    String line = lines.readLine();
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                    deserializer.deserialize(new ConsumerRecord<>(TOPIC, 0, lineNumber, null,
                            line.getBytes(StandardCharsets.UTF_8)), into);
                }
                return parsed.poll();
            }

            @Override
            public void close() throws IOException {
                lines.close();
            }
        };
    }

    @Override
    public TypeInformation<FeedRecord> getProducedType() {
        return org.citytwin.jobs.engine.source.FeedRecordSerializer.TYPE;
    }
}
