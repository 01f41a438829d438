package org.citytwin.model.asset;

import java.io.Serializable;

/**
 * A reading an asset type reports: gauge (state) or counter (cumulative total). Values are
 * quantized to {@code resolution}: the engine keeps exact fixed-point sums in units of it.
 */
public record MetricDef(String name, String zh, String en, String unit, MetricKind kind, double resolution,
                        Simulation sim) implements Serializable {

    /** The value as a whole number of resolution steps (what the engine sums exactly). */
    public long toFixed(double value) {
        return Math.round(value / resolution);
    }

    /** The value rounded to this metric's resolution. */
    public double quantize(double value) {
        return fromFixed(toFixed(value));
    }

    public double fromFixed(long steps) {
        // Scale through the decimal number of steps so that 0.1 * 3 prints as 0.3.
        return java.math.BigDecimal.valueOf(steps).multiply(java.math.BigDecimal.valueOf(resolution)).doubleValue();
    }
}
