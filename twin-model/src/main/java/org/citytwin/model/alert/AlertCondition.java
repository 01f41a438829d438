package org.citytwin.model.alert;

import java.util.Locale;

/**
 * What an alert is about: an indicator beyond its thresholds, an indicator of an area without
 * points while the feed goes on (its source assets went silent), or the feed itself not advancing.
 * Each is a separate alert (its own {@code alertname}), so one never resolves another.
 */
public enum AlertCondition {
    THRESHOLD, NO_DATA, FEED_STOPPED;

    /** The value of the {@code condition} tag: {@code threshold}, {@code no_data}, {@code feed_stopped}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
