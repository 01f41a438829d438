package org.citytwin.jobs.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.citytwin.jobs.engine.ReferenceIndicators.PointKey;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.plan.EvaluationPlan;

/**
 * How a run's points differ from the expected ones: another run's ("id|area|time" → value, as
 * {@link ReplayFixture#points} reads them), or the reference's ({@link PointKey} → value).
 */
public final class PointDifferences {

    private static final double RELATIVE = 1e-9;
    private static final Comparator<PointKey> IN_TIME = Comparator.comparingLong(PointKey::time)
            .thenComparing(PointKey::id).thenComparing(PointKey::area);

    private PointDifferences() {}

    /** When an actual value counts as the expected one. */
    public interface Closeness {
        boolean holds(String id, double expected, double actual);
    }

    /** Values equal exactly (as {@link Double#equals}). */
    public static final Closeness EXACT = (id, expected, actual) -> Double.valueOf(actual).equals(expected);

    /**
     * Counts exactly; percentiles within DDSketch's relative accuracy of the reference's exact
     * quantile (its guarantee: |sketch − exact| ≤ α·|exact|); other values within 1e-9 relative.
     */
    public static Closeness withinAccuracy(EvaluationPlan plan) {
        return (id, expected, actual) -> {
            Aggregation aggregation = plan.indicator(id).aggregation();
            if (aggregation == Aggregation.COUNT || aggregation == Aggregation.DISTINCT) {
                return expected == actual;
            }
            if (aggregation.isPercentile()) {
                return Math.abs(actual - expected) <= Aggregation.SKETCH_RELATIVE_ACCURACY * Math.abs(expected) * (1 + 1e-12);
            }
            return Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(expected), Math.abs(actual));
        };
    }

    /**
     * The differences of {@code actual} from {@code expected}, "" when none: the counts of missing,
     * extra and different points and of tag errors, the different ones per indicator, and the first
     * 20 of them in time order.
     */
    public static String between(Map<PointKey, Double> expected, Map<PointKey, Double> actual, List<String> tagErrors,
            Closeness closeness) {
        List<String> listed = new ArrayList<>();
        int missing = 0;
        int extra = 0;
        int different = 0;
        Map<String, Integer> differentById = new TreeMap<>();
        for (Map.Entry<PointKey, Double> e : inTime(expected).entrySet()) {
            Double a = actual.get(e.getKey());
            if (a == null) {
                missing++;
                add(listed, "missing " + e.getKey() + " expected " + e.getValue());
            } else if (!closeness.holds(e.getKey().id(), e.getValue(), a)) {
                different++;
                differentById.merge(e.getKey().id(), 1, Integer::sum);
                add(listed, "different " + e.getKey() + " expected " + e.getValue() + " actual " + a);
            }
        }
        for (Map.Entry<PointKey, Double> a : inTime(actual).entrySet()) {
            if (!expected.containsKey(a.getKey())) {
                extra++;
                add(listed, "extra " + a.getKey() + " actual " + a.getValue());
            }
        }
        tagErrors.forEach(t -> add(listed, "tags: " + t));
        if (missing + extra + different + tagErrors.size() == 0) {
            return "";
        }
        return String.format("%d points expected, %d read: %d missing, %d extra, %d different, %d tag errors;"
                + " different per indicator: %s%n  %s", expected.size(), actual.size(), missing, extra,
                different, tagErrors.size(), differentById, String.join("\n  ", listed));
    }

    private static Map<PointKey, Double> inTime(Map<PointKey, Double> points) {
        Map<PointKey, Double> sorted = new TreeMap<>(IN_TIME);
        sorted.putAll(points);
        return sorted;
    }

    private static void add(List<String> listed, String line) {
        if (listed.size() < 20) {
            listed.add(line);
        }
    }

    /**
     * Counts and the first few of the points missing from {@code actual}, extra in it and with
     * another value (exactly), with the point times they fall on; "" when none.
     */
    public static String between(Map<String, Double> expected, Map<String, Double> actual) {
        Map<String, Double> missing = new TreeMap<>(expected);
        actual.keySet().forEach(missing::remove);
        Map<String, Double> extra = new TreeMap<>(actual);
        expected.keySet().forEach(extra::remove);
        List<String> different = new ArrayList<>();
        new TreeMap<>(expected).forEach((key, value) -> {
            Double other = actual.get(key);
            if (other != null && !other.equals(value)) {
                different.add(key + " expected " + value + " actual " + other);
            }
        });
        if (missing.isEmpty() && extra.isEmpty() && different.isEmpty()) {
            return "";
        }
        return missing.size() + " missing (times " + times(missing.keySet()) + ", e.g. "
                + missing.keySet().stream().limit(5).toList() + "), " + extra.size() + " extra (times "
                + times(extra.keySet()) + ", e.g. " + extra.keySet().stream().limit(5).toList() + "), "
                + different.size() + " different " + different.stream().limit(5).toList();
    }

    private static Map<String, Integer> times(Collection<String> keys) {
        Map<String, Integer> byTime = new TreeMap<>();
        keys.forEach(k -> byTime.merge(Instant.ofEpochMilli(Long.parseLong(k.substring(k.lastIndexOf('|') + 1)))
                .toString(), 1, Integer::sum));
        return byTime;
    }
}
