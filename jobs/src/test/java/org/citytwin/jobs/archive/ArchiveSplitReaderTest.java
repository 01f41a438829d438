package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveSplitReaderTest {

    /** A line "time" is an accepted record of that event time; anything else a rejected one. */
    private static final KafkaRecordDeserializationSchema<FeedRecord> TIMES = new KafkaRecordDeserializationSchema<>() {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FeedRecord> out) {
            String line = new String(record.value(), StandardCharsets.UTF_8);
            Event event = line.chars().allMatch(Character::isDigit)
                    ? new Event(null, "asset-1", Long.parseLong(line), null, null, null) : null;
            out.collect(new FeedRecord(event, null, record.value(), record.topic(), record.partition(), record.offset()));
        }

        @Override
        public TypeInformation<FeedRecord> getProducedType() {
            return TypeInformation.of(FeedRecord.class);
        }
    };

    @Test
    void eachPartitionIsReadInItsOrderAsItsKafkaPartitionTheOneBehindInEventTimeFirst(@TempDir Path dir)
            throws Exception {
        List<String> ahead = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            ahead.add(String.valueOf(600_000 + i));
        }
        List<String> behind = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            behind.add(String.valueOf(i));
        }
        ArchiveSplit partition2 = new ArchiveSplit(2, List.of(gzip(dir.resolve("a0"), ahead.subList(0, 300)),
                gzip(dir.resolve("a1"), ahead.subList(300, 600))));
        ArchiveSplit partition5 = new ArchiveSplit(5, List.of(gzip(dir.resolve("b0"), behind)));
        ArchiveSplitReader reader = new ArchiveSplitReader(TIMES);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(partition2, partition5)));

        List<String> order = new ArrayList<>();
        List<String> finished = new ArrayList<>();
        List<ArchiveLine> read = new ArrayList<>();
        for (int fetch = 0; fetch < 10; fetch++) {
            RecordsWithSplitIds<ArchiveLine> batch = reader.fetch();
            for (String split = batch.nextSplit(); split != null; split = batch.nextSplit()) {
                order.add(split);
                for (ArchiveLine line = batch.nextRecordFromSplit(); line != null; line = batch.nextRecordFromSplit()) {
                    read.add(line);
                }
            }
            finished.addAll(batch.finishedSplits());
        }
        // Both start without a clock (partition 2 first by its place), then partition 5 is behind
        // until its end; partition 2's two files follow each other.
        assertThat(order).containsExactly("partition-2", "partition-5", "partition-5", "partition-2");
        assertThat(finished).containsExactly("partition-5", "partition-2");
        assertThat(read.stream().filter(l -> l.record().partition() == 5).map(l -> new String(l.record().payload(),
                StandardCharsets.UTF_8)).toList()).isEqualTo(behind);
        assertThat(read.stream().filter(l -> l.record().partition() == 2).map(l -> new String(l.record().payload(),
                StandardCharsets.UTF_8)).toList()).isEqualTo(ahead);
        ArchiveLine last = read.get(read.size() - 1);
        assertThat(last.record().topic()).isEqualTo("archive");
        assertThat(List.of(last.file(), last.linesRead(), last.record().offset())).containsExactly(1, 300L, 300L);
        reader.close();
    }

    @Test
    void aSplitRestoredMidFileGoesOnAfterTheLinesItHadRead(@TempDir Path dir) throws Exception {
        ArchiveSplit split = new ArchiveSplit(1, List.of(gzip(dir.resolve("a0"), List.of("1", "2", "x", "4")),
                gzip(dir.resolve("a1"), List.of("5", "6")))).at(0, 3);
        ArchiveSplitReader reader = new ArchiveSplitReader(TIMES);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));

        RecordsWithSplitIds<ArchiveLine> batch = reader.fetch();
        assertThat(batch.nextSplit()).isEqualTo("partition-1");
        List<String> lines = new ArrayList<>();
        for (ArchiveLine line = batch.nextRecordFromSplit(); line != null; line = batch.nextRecordFromSplit()) {
            lines.add(line.file() + ":" + line.linesRead() + ":" + new String(line.record().payload(), StandardCharsets.UTF_8));
        }
        assertThat(lines).containsExactly("0:4:4", "1:1:5", "1:2:6");
        assertThat(batch.finishedSplits()).containsExactly("partition-1");
        reader.close();
    }

    private static String gzip(Path file, List<String> lines) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String line : lines) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return file.toUri().toString();
    }
}
