package org.citytwin.jobs.archive;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * Puts each archived record in the directory of its Kafka partition ({@code partition-N}) in the
 * hour directory ({@code yyyy-MM-dd/HH}, UTC) of that partition's event-time clock when it was read:
 * the partition watermark the record met (for a partition's first record, its own time less the
 * out-of-orderness). That clock never goes back within a partition, so reading a partition's hours
 * in order gives its records in the order the engine read them, and a record that was LATE live is
 * late again on replay (bucketed by its own time, a record 10 minutes late would land in an earlier
 * hour and be read before the records that made it late). One partition's records reach one writer
 * (the archive sink follows the splitter, keyed by partition), so its files never mix partitions.
 */
public final class ArchiveHours implements BucketAssigner<FeedRecord, String> {

    private static final long serialVersionUID = 1L;
    static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd/HH").withZone(ZoneOffset.UTC);

    private final long maxOutOfOrdernessMs;

    public ArchiveHours(long maxOutOfOrdernessMs) {
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
    }

    @Override
    public String getBucketId(FeedRecord record, Context context) {
        return bucket(clock(record, maxOutOfOrdernessMs), record.partition());
    }

    /** The directory, relative to the archive root, of a partition's records in the hour of an event time. */
    static String bucket(long eventTime, int partition) {
        return directory(eventTime) + "/" + ArchiveFiles.PARTITION_PREFIX + partition;
    }

    /** The event-time clock of a record's partition when it was read. */
    static long clock(FeedRecord record, long maxOutOfOrdernessMs) {
        return record.partitionWatermark() != Long.MIN_VALUE ? record.partitionWatermark()
                : record.event().time() - maxOutOfOrdernessMs - 1000;
    }

    /** The hour directory, relative to the archive root, of an event time. */
    public static String directory(long eventTime) {
        return HOUR.format(Instant.ofEpochMilli(eventTime).truncatedTo(ChronoUnit.HOURS));
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "ArchiveHours{yyyy-MM-dd/HH of the partition clock/partition-N}";
    }
}
