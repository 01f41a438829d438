package org.citytwin.model.alert;

import java.util.Locale;

/**
 * What changed: a value crossed a threshold and waits for {@code for} (PENDING), went back before
 * firing (OK), an alert fired or was updated (FIRING, e.g. marked flapping) or resolved (RESOLVED).
 * Only FIRING and RESOLVED are notified; all four are written to the {@code alert} measurement.
 */
public enum TransitionKind {
    PENDING, OK, FIRING, RESOLVED;

    /** The value of the {@code state} field and of the payload's {@code status}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean notified() {
        return this == FIRING || this == RESOLVED;
    }
}
