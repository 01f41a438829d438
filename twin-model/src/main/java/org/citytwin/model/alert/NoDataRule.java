package org.citytwin.model.alert;

import java.io.Serializable;
import java.util.List;

/**
 * "The assets went offline": an indicator that had points in an area gets none for {@code
 * timeoutMs} of event time while the watermark passes that time. Event time is the point: a
 * stopped or slow feed does not move the watermark, so it cannot raise this alert (that is the
 * one {@link FeedStoppedRule} alert); nor can the end of a bounded feed, whose watermark jumps to
 * the end of time. The alert fires at {@code lastPoint + timeoutMs} and resolves with the next
 * point. For a gauge the timeout is its assets' silence timeout plus one tick: any asset still
 * reporting within its silence would have written a point in that time.
 */
public record NoDataRule(long timeoutMs) implements Serializable {

    /** The watch after the first point, at event time {@code time}. */
    public NoDataState start(long time) {
        return new NoDataState(time, NoDataState.NOT_FIRING);
    }

    /** The event time from which, without a newer point, the alert fires. */
    public long deadline(NoDataState s) {
        return s.lastPoint() + timeoutMs;
    }

    /** A point at {@code time}: resolves a firing alert; a point not newer than the last changes nothing. */
    public NoDataState point(NoDataState s, long time) {
        return time <= s.lastPoint() ? s : new NoDataState(time, NoDataState.NOT_FIRING);
    }

    /** The watermark reached {@code watermark}: fires once it is at or past the deadline (not at the end of input). */
    public NoDataState watermark(NoDataState s, long watermark) {
        if (s.firing() || watermark == Long.MAX_VALUE || watermark < deadline(s)) {
            return s;
        }
        return new NoDataState(s.lastPoint(), deadline(s));
    }

    /**
     * What receivers and the {@code alert} measurement learn: FIRING at the deadline, RESOLVED at
     * the next point's time; value = seconds without a point, threshold = the timeout in seconds.
     */
    public List<AlertTransition> transitions(NoDataState from, NoDataState to) {
        double limit = timeoutMs / 1000.0;
        if (!from.firing() && to.firing()) {
            return List.of(new AlertTransition(AlertCondition.NO_DATA, TransitionKind.FIRING, Severity.WARNING,
                    to.firedAt(), (to.firedAt() - from.lastPoint()) / 1000.0, limit, to.firedAt(), false));
        }
        if (from.firing() && !to.firing()) {
            return List.of(new AlertTransition(AlertCondition.NO_DATA, TransitionKind.RESOLVED, Severity.WARNING,
                    to.lastPoint(), (to.lastPoint() - from.lastPoint()) / 1000.0, limit, from.firedAt(), false));
        }
        return List.of();
    }
}
