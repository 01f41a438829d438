package org.citytwin.model.alert;

import java.io.Serializable;
import java.util.List;

/**
 * "The feed stopped": one alert for the whole run, in processing time, when the engine's
 * watermark has not advanced for {@code afterMs} of wall-clock time while the job runs (no
 * records, all partitions idle, or one partition holding the others back). It resolves when the
 * watermark advances again. The end of a bounded feed (watermark at the end of time) is not a
 * stop. All times are wall-clock ms except {@code watermark}.
 */
public record FeedStoppedRule(long afterMs) implements Serializable {

    /** The watch when the job starts (or restarts) at wall-clock {@code now}; {@code firedAt} carries a firing alert over. */
    public FeedState start(long now, long firedAt) {
        return new FeedState(Long.MIN_VALUE, now, firedAt);
    }

    /** The watermark is {@code watermark} at wall-clock {@code now}: an advance resolves a firing alert. */
    public FeedState watermark(FeedState s, long watermark, long now) {
        if (watermark <= s.watermark()) {
            return s;
        }
        return new FeedState(watermark, now, NoDataState.NOT_FIRING);
    }

    /** The wall clock reads {@code now}: fires when the watermark has stood still for {@code afterMs}. */
    public FeedState clock(FeedState s, long now) {
        if (s.firing() || s.watermark() == Long.MAX_VALUE || now - s.advancedAt() < afterMs) {
            return s;
        }
        return new FeedState(s.watermark(), s.advancedAt(), now);
    }

    /**
     * FIRING when it starts (value = seconds the watermark stood still, threshold = {@code afterMs}
     * in seconds), RESOLVED when the watermark advances (value = seconds it stood still in all).
     */
    public List<AlertTransition> transitions(FeedState from, FeedState to) {
        double limit = afterMs / 1000.0;
        if (!from.firing() && to.firing()) {
            return List.of(new AlertTransition(AlertCondition.FEED_STOPPED, TransitionKind.FIRING, Severity.CRITICAL,
                    to.firedAt(), (to.firedAt() - to.advancedAt()) / 1000.0, limit, to.firedAt(), false));
        }
        if (from.firing() && !to.firing()) {
            return List.of(new AlertTransition(AlertCondition.FEED_STOPPED, TransitionKind.RESOLVED, Severity.CRITICAL,
                    to.advancedAt(), (to.advancedAt() - from.advancedAt()) / 1000.0, limit, from.firedAt(), false));
        }
        return List.of();
    }
}
