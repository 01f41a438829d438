package org.citytwin.model.catalog;

import java.io.Serializable;
import java.util.List;
import org.citytwin.model.topology.AreaLevel;

/**
 * Alert thresholds of an indicator. For {@code above}: clear ≤ warning &lt; critical (fires when the
 * value is above warning for {@code forMs}, clears when it drops to {@code clear} or below); for
 * {@code below} the order is reversed. {@code clear} gives hysteresis. {@code levels}: the area
 * levels whose points the thresholds apply to (empty: every level of the indicator) — a sum or
 * count grows with the area, so its thresholds fit one level.
 */
public record Alert(Direction direction, double warning, double critical, double clear, long forMs,
        List<AreaLevel> levels) implements Serializable {
    /** Which way is bad. */
    public enum Direction { ABOVE, BELOW }

    public Alert {
        levels = List.copyOf(levels);
    }

    /** Thresholds for every level of the indicator. */
    public Alert(Direction direction, double warning, double critical, double clear, long forMs) {
        this(direction, warning, critical, clear, forMs, List.of());
    }

    /** Whether the thresholds apply to the points of an area at this level. */
    public boolean appliesAt(AreaLevel level) {
        return levels.isEmpty() || levels.contains(level);
    }
}
