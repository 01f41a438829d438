package org.citytwin.jobs.engine.source;

import org.citytwin.model.event.Event;
import org.citytwin.model.event.Rejection;

/**
 * One record read from the feed, parsed: the accepted {@link Event} or the {@link Rejection},
 * with the original payload and where it was read, so a rejection at any later stage can still be
 * dead-lettered with its source. {@code partitionWatermark} is the watermark of its partition
 * when it was read (from the records before it), set by {@link StampingReader}.
 */
public record FeedRecord(Event event, Rejection rejection, byte[] payload, String topic, int partition, long offset,
        long partitionWatermark) {

    /** A record as read, before its partition watermark is known. */
    public FeedRecord(Event event, Rejection rejection, byte[] payload, String topic, int partition, long offset) {
        this(event, rejection, payload, topic, partition, offset, Long.MIN_VALUE);
    }

    FeedRecord withPartitionWatermark(long watermark) {
        return new FeedRecord(event, rejection, payload, topic, partition, offset, watermark);
    }

    public boolean accepted() {
        return event != null;
    }

    /** This record's dead letter for a rejection found after parsing (DUPLICATE, LATE). */
    public DeadLetter deadLetter(Rejection why) {
        return DeadLetter.of(why, payload, topic, partition, offset);
    }
}
