package org.citytwin.jobs.replay;

import java.io.Serializable;
import java.time.Instant;

/** The replayed period of event time, {@code [from, to)} in epoch milliseconds. */
public record ReplayRange(long from, long to) implements Serializable {

    public ReplayRange {
        if (to <= from) {
            throw new IllegalArgumentException("--to " + Instant.ofEpochMilli(to) + " must be after --from "
                    + Instant.ofEpochMilli(from));
        }
    }

    public boolean contains(long time) {
        return time >= from && time < to;
    }

    public long millis() {
        return to - from;
    }
}
