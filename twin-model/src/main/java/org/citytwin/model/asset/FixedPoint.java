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

    /** Resolutions that are a power of ten, 10^-k at index k, and the divisors 10^k. */
    private static final double[] DECIMAL_RESOLUTIONS = {1, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6};
    private static final double[] DIVISORS = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

    /**
     * Steps back to a value: the decimal number of steps (steps × the resolution's decimal form)
     * rounded to the nearest double, so that 0.1 * 3 gives 0.3. For a resolution 10^-k that is
     * steps / 10^k in double arithmetic — a correctly rounded division of two exact numbers, the
     * same double as through {@link BigDecimal}, without formatting the resolution each time.
     */
    public static double fromFixed(long steps, double resolution) {
        if (Math.abs(steps) < 1L << 52) {
            for (int k = 0; k < DECIMAL_RESOLUTIONS.length; k++) {
                if (resolution == DECIMAL_RESOLUTIONS[k]) {
                    return steps / DIVISORS[k];
                }
            }
        }
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
