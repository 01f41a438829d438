package org.citytwin.model.alert;

import java.util.Locale;

/** How bad an alert is; {@code NONE} when the value is within its thresholds. */
public enum Severity {
    NONE, WARNING, CRITICAL;

    /** The label value: {@code warning}, {@code critical} (Alertmanager's convention is lower case). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
