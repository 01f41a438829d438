package org.citytwin.model.catalog;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * How an indicator combines its inputs. Over the latest state of assets (gauges): SUM, AVG, MIN,
 * MAX, COUNT, SHARE. Over counter increments or events in a window: COUNT, SUM, AVG, MAX, RATE,
 * DISTINCT, P50, P95, P99. FORMULA: a CEL expression over other indicators of the same area and tick.
 */
public enum Aggregation {
    SUM, AVG, MIN, MAX, COUNT, SHARE, RATE, DISTINCT, P50, P95, P99, FORMULA;

    /** Relative accuracy of the DDSketch behind P50/P95/P99: a reported quantile q is within ±1% of the true one. */
    public static final double SKETCH_RELATIVE_ACCURACY = 0.01;

    private static final Set<Aggregation> GAUGE = EnumSet.of(SUM, AVG, MIN, MAX, COUNT, SHARE);
    private static final Set<Aggregation> WINDOWED = EnumSet.of(COUNT, SUM, AVG, MAX, RATE, DISTINCT, P50, P95, P99);

    public String tag() { return name().toLowerCase(Locale.ROOT); }

    public static Aggregation ofTag(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    public boolean isPercentile() { return this == P50 || this == P95 || this == P99; }

    /**
     * Whether a window of this aggregation without items has a value, 0 (COUNT, SUM, RATE), and is
     * written as such where the source assets are registered; the others have none.
     */
    public boolean windowZeroWhenEmpty() { return this == COUNT || this == SUM || this == RATE; }

    /** The quantile for P50/P95/P99. */
    public double quantile() {
        switch (this) {
            case P50: return 0.50;
            case P95: return 0.95;
            case P99: return 0.99;
            default: throw new IllegalStateException(this + " is not a percentile");
        }
    }

    /** Whether this aggregation may read a source of that kind. */
    public boolean allowedFor(SourceKind kind) {
        switch (kind) {
            case GAUGE: return GAUGE.contains(this);
            case COUNTER: return WINDOWED.contains(this) && this != DISTINCT;
            case EVENT: return WINDOWED.contains(this);
            default: return this == FORMULA;
        }
    }

    /** Aggregations allowed for a source kind, for error messages. */
    public static Set<Aggregation> allowed(SourceKind kind) {
        Set<Aggregation> s = EnumSet.noneOf(Aggregation.class);
        for (Aggregation a : values()) {
            if (a.allowedFor(kind)) {
                s.add(a);
            }
        }
        return s;
    }

    /** True when the indicator value is over a window of events/increments rather than the latest state. */
    public boolean windowed(SourceKind kind) {
        return kind == SourceKind.COUNTER || kind == SourceKind.EVENT;
    }
}
