package org.citytwin.model.asset;

/** How a metric behaves: a state (gauge), a monotonically growing total (counter), or a discrete event. */
public enum MetricKind {
    GAUGE, COUNTER, EVENT;

    public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
}
