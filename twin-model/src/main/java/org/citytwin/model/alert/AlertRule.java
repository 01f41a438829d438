package org.citytwin.model.alert;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.citytwin.model.catalog.Alert;

/**
 * An indicator's thresholds turned into a state machine. A value beyond {@code warning} (or
 * {@code critical}) makes the rule PENDING; if it stays beyond warning for {@code for} it FIRES
 * (at once when {@code for} is 0); it RESOLVES only when the value is back at {@code clear} or
 * better (hysteresis: between clear and warning it keeps its state). The severity follows the
 * value at once in both directions; since the severity is a label, a change of severity resolves
 * the alert of the old severity and fires one of the new (as two Prometheus rules would). More
 * than {@code flapMaxChanges} FIRING/RESOLVED changes within {@code flapWindowMs} mark the alert
 * flapping and hold it in FIRING until the changes in the window fall back to that number while
 * the value is fine.
 */
public record AlertRule(Alert thresholds, int flapMaxChanges, long flapWindowMs) implements Serializable {

    /** Flapping defaults: more than 4 changes within an hour (two fire/resolve cycles) hold the alert. */
    public static final int DEFAULT_FLAP_MAX_CHANGES = 4;
    public static final long DEFAULT_FLAP_WINDOW_MS = 3_600_000;

    public static AlertRule of(Alert thresholds) {
        return new AlertRule(thresholds, DEFAULT_FLAP_MAX_CHANGES, DEFAULT_FLAP_WINDOW_MS);
    }

    /** The state after a point of value {@code value} at event time {@code time}. A NaN value changes nothing. */
    public AlertState step(AlertState s, long time, double value) {
        if (Double.isNaN(value)) {
            return s;
        }
        Severity target = target(s, value);
        Phase phase = s.phase();
        long since = s.since();
        if (target == Severity.NONE) {
            phase = Phase.OK;
        } else if (phase == Phase.OK) {
            phase = Phase.PENDING;
            since = time;
        }
        if (phase == Phase.PENDING && time - since >= thresholds.forMs()) {
            phase = Phase.FIRING;
            since = time;
        }
        boolean rawFiring = phase == Phase.FIRING;
        long[] changes = recentChanges(s.changes(), time, rawFiring != (s.phase() == Phase.FIRING));
        boolean flapping = changes.length > flapMaxChanges;
        Severity published;
        if (rawFiring) {
            published = target;
        } else if (flapping && s.firing()) {
            published = s.published();
        } else {
            published = Severity.NONE;
        }
        long firedAt = published != Severity.NONE && published != s.published() ? time : s.firedAt();
        return new AlertState(phase, target, phase == Phase.OK ? 0 : since, published,
                published == Severity.NONE ? 0 : firedAt, flapping && published != Severity.NONE, changes, time, value);
    }

    /** What receivers and the {@code alert} measurement learn when the state goes from {@code from} to {@code to}. */
    public List<AlertTransition> transitions(AlertState from, AlertState to) {
        List<AlertTransition> out = new ArrayList<>(2);
        long t = to.time();
        double v = to.value();
        if (from.published() != to.published()) {
            if (from.firing()) {
                out.add(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.RESOLVED, from.published(), t, v, thresholds.clear(),
                        from.firedAt(), from.flapping()));
            }
            if (to.firing()) {
                out.add(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.FIRING, to.published(), t, v, level(to.published()),
                        to.firedAt(), to.flapping()));
            }
        } else if (to.firing() && from.flapping() != to.flapping()) {
            out.add(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.FIRING, to.published(), t, v, level(to.published()),
                    to.firedAt(), to.flapping()));
        } else if (!to.firing() && !from.firing()) {
            if (from.phase() != Phase.PENDING && to.phase() == Phase.PENDING) {
                out.add(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.PENDING, to.severity(), t, v, level(to.severity()), 0, false));
            } else if (from.phase() == Phase.PENDING && to.phase() == Phase.OK) {
                out.add(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.OK, from.severity(), t, v, thresholds.clear(), 0, false));
            }
        }
        return out;
    }

    /** The threshold of a severity. */
    public double level(Severity severity) {
        return severity == Severity.CRITICAL ? thresholds.critical() : thresholds.warning();
    }

    private Severity target(AlertState s, double value) {
        if (beyond(value, thresholds.critical())) {
            return Severity.CRITICAL;
        }
        if (beyond(value, thresholds.warning())) {
            return Severity.WARNING;
        }
        boolean cleared = thresholds.direction() == Alert.Direction.ABOVE
                ? value <= thresholds.clear() : value >= thresholds.clear();
        return s.phase() != Phase.OK && !cleared ? Severity.WARNING : Severity.NONE;
    }

    private boolean beyond(double value, double threshold) {
        return thresholds.direction() == Alert.Direction.ABOVE ? value > threshold : value < threshold;
    }

    private long[] recentChanges(long[] changes, long time, boolean changed) {
        long from = time - flapWindowMs;
        long[] kept = Arrays.stream(changes).filter(c -> c > from).toArray();
        if (!changed) {
            return kept;
        }
        long[] out = Arrays.copyOf(kept, kept.length + 1);
        out[kept.length] = time;
        return out;
    }
}
