package org.citytwin.jobs.engine.source;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Bounded out-of-orderness watermarks, emitted as events arrive and rounded down to whole
 * seconds. Emitting on events (not on a processing-time period) makes the watermark a record
 * meets depend only on the records before it in its partition, so whether an event is late, and
 * so every point, is the same in a replay of the same partition.
 */
public final class FeedWatermarks implements WatermarkGenerator<FeedRecord> {

    private static final long GRANULARITY_MS = 1000;

    private final long maxOutOfOrdernessMs;
    private long maxTime = Long.MIN_VALUE;
    private long emitted = Long.MIN_VALUE;

    FeedWatermarks(long maxOutOfOrdernessMs) {
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
    }

    /** Event time from accepted records (rejected ones do not move time); idle partitions released after {@code idleness}. */
    public static WatermarkStrategy<FeedRecord> strategy(Duration maxOutOfOrderness, Duration idleness) {
        return WatermarkStrategy.<FeedRecord>forGenerator(ctx -> new FeedWatermarks(maxOutOfOrderness.toMillis()))
                .withTimestampAssigner((record, kafkaTime) -> record.accepted() ? record.event().time() : kafkaTime)
                .withIdleness(idleness);
    }

    @Override
    public void onEvent(FeedRecord record, long timestamp, WatermarkOutput output) {
        if (!record.accepted() || record.event().time() <= maxTime) {
            return;
        }
        maxTime = record.event().time();
        long watermark = watermarkAfter(maxTime, maxOutOfOrdernessMs);
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    /** The watermark once {@code maxTime} is the highest event time seen in a partition. */
    static long watermarkAfter(long maxTime, long maxOutOfOrdernessMs) {
        return maxTime == Long.MIN_VALUE ? Long.MIN_VALUE
                : Math.floorDiv(maxTime - maxOutOfOrdernessMs - 1, GRANULARITY_MS) * GRANULARITY_MS;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        // Watermarks are emitted on events only (see the class comment).
    }
}
