package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;

class ArchiveHoursTest {

    private static final long NINE = Instant.parse("2025-07-01T09:00:00Z").toEpochMilli();

    @Test
    void aRecordGoesToTheHourOfItsPartitionWatermarkNotOfItsOwnTime() {
        // Ten minutes late, read when its partition's clock was at 09:05: it belongs after the records of 09:05.
        assertThat(ArchiveHours.directory(ArchiveHours.clock(record(NINE - 300_000, NINE + 300_000), 30_000)))
                .isEqualTo("2025-07-01/09");
    }

    @Test
    void aRecordGoesToItsKafkaPartitionsDirectoryInThatHour() {
        FeedRecord ofPartition3 = new FeedRecord(new Event("e1", "asset-1", NINE + 60_000, null, null, null), null,
                new byte[0], "feed", 3, 1, NINE + 10_000);

        assertThat(new ArchiveHours(30_000).getBucketId(ofPartition3, null)).isEqualTo("2025-07-01/09/partition-3");
    }

    @Test
    void aPartitionsFirstRecordGoesToTheHourOfItsOwnTimeLessTheOutOfOrderness() {
        // Its successors meet the watermark 09:00:10 - 31 s, in hour 08: the first record must not be after them.
        assertThat(ArchiveHours.directory(ArchiveHours.clock(record(NINE + 10_000, Long.MIN_VALUE), 30_000)))
                .isEqualTo("2025-07-01/08");
    }

    @Test
    void aLineBreakInsideAPayloadIsWrittenAsASpace() {
        byte[] payload = "{\"id\":\"a\",\r\n\"ts\":1}".getBytes(StandardCharsets.UTF_8);

        assertThat(new String(GzipJsonLines.oneLine(payload), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"a\",  \"ts\":1}");
        assertThat(new String(payload, StandardCharsets.UTF_8)).as("the record's own payload is untouched").contains("\n");
    }

    private static FeedRecord record(long time, long partitionWatermark) {
        return new FeedRecord(new Event("e1", "asset-1", time, null, null, null), null, new byte[0], "feed", 0, 1,
                partitionWatermark);
    }
}
