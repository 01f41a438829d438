package org.citytwin.model.alert;

import java.util.Arrays;

/**
 * The state of one alert (one indicator, area and run) after the points seen so far. The raw rule
 * ({@code phase}, {@code severity}, {@code since}) is what the thresholds say; the published alert
 * ({@code published}, {@code firedAt}) is what receivers are told, which differs from the raw rule
 * only while the alert is flapping and held in FIRING. {@code changes} holds the event times of
 * the raw rule's recent FIRING/RESOLVED changes, for flapping detection. An immutable value.
 */
public record AlertState(Phase phase, Severity severity, long since, Severity published, long firedAt,
        boolean flapping, long[] changes, long time, double value) {

    /** Before any point. */
    public static final AlertState INITIAL = new AlertState(Phase.OK, Severity.NONE, 0, Severity.NONE, 0, false,
            new long[0], Long.MIN_VALUE, Double.NaN);

    public AlertState {
        changes = changes.clone();
    }

    @Override
    public long[] changes() {
        return changes.clone();
    }

    /** True when receivers are told the alert fires. */
    public boolean firing() {
        return published != Severity.NONE;
    }

    /** True when keeping this state changes nothing for later points: OK, not held, no recent changes. */
    public boolean quiet() {
        return phase == Phase.OK && !firing() && changes.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlertState s && phase == s.phase && severity == s.severity && since == s.since
                && published == s.published && firedAt == s.firedAt && flapping == s.flapping
                && Arrays.equals(changes, s.changes) && time == s.time
                && Double.compare(value, s.value) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(changes) * 31 + Long.hashCode(time);
    }

    @Override
    public String toString() {
        return "AlertState[" + phase + " " + severity + " since=" + since + " published=" + published
                + " firedAt=" + firedAt + (flapping ? " flapping" : "") + " changes=" + Arrays.toString(changes)
                + " t=" + time + " v=" + value + "]";
    }
}
