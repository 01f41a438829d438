package org.citytwin.model.asset;

import java.io.Serializable;

/**
 * A reading an asset type reports: gauge (state) or counter (cumulative total). Values are
 * quantized to {@code resolution}: the engine keeps exact fixed-point sums in units of it.
 * {@code [min, max]} is the declared range (YAML {@code range: [min, max]}; counters cannot be
 * negative); a reading outside it, or outside the fixed-point range, is rejected OUT_OF_RANGE.
 */
public record MetricDef(String name, String zh, String en, String unit, MetricKind kind, double resolution,
                        double min, double max, Simulation sim) implements Serializable {

    /** The value as a whole number of resolution steps (what the engine sums exactly). */
    public long toFixed(double value) {
        return FixedPoint.toFixed(value, resolution);
    }

    /** The value rounded to this metric's resolution. */
    public double quantize(double value) {
        return fromFixed(toFixed(value));
    }

    public double fromFixed(long steps) {
        return FixedPoint.fromFixed(steps, resolution);
    }

    /** Whether a finite reading may be accepted. */
    public boolean inRange(double value) {
        return FixedPoint.inRange(value, resolution, min, max);
    }

    public String rangeText() {
        return FixedPoint.rangeText(resolution, min, max);
    }
}
