package org.citytwin.model.scenario;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A scenario overlay (a {@code scenarios/*.yaml} file): synthetic readings and events added on top
 * of a replayed period, in a window that starts {@code startOffsetMs} after the replay's start (or
 * at the instant {@code startAt} when not null) and lasts {@code durationMs}. Load it with
 * {@link ScenarioLoader}; {@link ScenarioOverlay} makes its records. See docs/replay.md.
 */
public record Scenario(String file, String id, String zh, String en, long seed, long startOffsetMs, Instant startAt,
        long durationMs, List<ReadingOverlay> readings, List<EventOverlay> events) implements Serializable {

    public Scenario {
        readings = List.copyOf(readings);
        events = List.copyOf(events);
    }

    /** The window's start when the replay starts at {@code replayFrom}. */
    public long start(long replayFrom) {
        return startAt != null ? startAt.toEpochMilli() : replayFrom + startOffsetMs;
    }

    /** Why the window is not inside the replayed period {@code [from, to)}, or null when it is. */
    public String outsidePeriod(long from, long to) {
        long start = start(from);
        if (start >= from && start + durationMs <= to) {
            return null;
        }
        return file + ": scenario " + id + ": its window " + Instant.ofEpochMilli(start) + " - "
                + Instant.ofEpochMilli(start + durationMs) + " is not inside the replayed period "
                + Instant.ofEpochMilli(from) + " - " + Instant.ofEpochMilli(to);
    }
}
