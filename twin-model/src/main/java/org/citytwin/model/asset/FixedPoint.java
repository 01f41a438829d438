package org.citytwin.model.asset;

import java.math.BigDecimal;

/**
 * Values as whole numbers of resolution steps, the form in which the engine sums them exactly. A
 * value may be at most {@link #MAX_STEPS} steps from zero, so that the sum of a million of them
 * still fits a long: a larger value would saturate or wrap a sum silently, so the parser rejects it.
 */
public final class FixedPoint {

    /** 2^43 ≈ 8.8e12 steps: 2^20 values this large sum to 2^63. */
    public static final long MAX_STEPS = 1L << 43;

    private FixedPoint() {}

    /** The value as a whole number of resolution steps. */
    public static long toFixed(double value, double resolution) {
        return Math.round(value / resolution);
    }

    /** Steps back to a value; scaled through the decimal number of steps so that 0.1 * 3 prints as 0.3. */
    public static double fromFixed(long steps, double resolution) {
        return BigDecimal.valueOf(steps).multiply(BigDecimal.valueOf(resolution)).doubleValue();
    }

    /** Whether a finite value is within {@code [min, max]} and within the fixed-point range. */
    public static boolean inRange(double value, double resolution, double min, double max) {
        return value >= min && value <= max && Math.abs(value / resolution) <= MAX_STEPS;
    }

    /** The effective range, for error messages. */
    public static String rangeText(double resolution, double min, double max) {
        BigDecimal limit = BigDecimal.valueOf(MAX_STEPS).multiply(BigDecimal.valueOf(resolution));
        String lo = min == Double.NEGATIVE_INFINITY ? "-" + plain(limit) : plain(BigDecimal.valueOf(min));
        String hi = max == Double.POSITIVE_INFINITY ? plain(limit) : plain(BigDecimal.valueOf(max));
        return "[" + lo + ", " + hi + "]";
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
