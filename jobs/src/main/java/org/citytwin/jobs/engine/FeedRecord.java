package org.citytwin.jobs.engine;

import org.citytwin.model.event.Event;
import org.citytwin.model.event.Rejection;

/**
 * One record read from the feed, parsed: the accepted {@link Event} or the {@link Rejection},
 * with the original payload and where it was read, so a rejection at any later stage can still be
 * dead-lettered with its source.
 */
public record FeedRecord(Event event, Rejection rejection, byte[] payload, String topic, int partition, long offset) {

    public boolean accepted() {
        return event != null;
    }

    /** This record's dead letter for a rejection found after parsing (DUPLICATE, LATE). */
    public DeadLetter deadLetter(Rejection why) {
        return DeadLetter.of(why, payload, topic, partition, offset);
    }
}
