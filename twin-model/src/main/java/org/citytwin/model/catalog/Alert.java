package org.citytwin.model.catalog;

import java.io.Serializable;

/**
 * Alert thresholds of an indicator. For {@code above}: clear ≤ warning &lt; critical (fires when the
 * value is above warning for {@code forMs}, clears when it drops to {@code clear} or below); for
 * {@code below} the order is reversed. {@code clear} gives hysteresis.
 */
public record Alert(Direction direction, double warning, double critical, double clear, long forMs)
        implements Serializable {
    /** Which way is bad. */
    public enum Direction { ABOVE, BELOW }
}
