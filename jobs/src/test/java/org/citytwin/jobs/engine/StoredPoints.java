package org.citytwin.jobs.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.jobs.engine.ReferenceIndicators.PointKey;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;

/**
 * The {@code indicator} points a run of the engine left in InfluxDB (run {@code live}), with every
 * tag that does not fit the catalog or topology, and how they differ from the reference's points.
 */
public record StoredPoints(Map<PointKey, Double> points, List<String> tagErrors) {

    private static final double RELATIVE = 1e-9;
    private static final double SKETCH = Aggregation.SKETCH_RELATIVE_ACCURACY + 1e-9;
    private static final Comparator<PointKey> IN_TIME = Comparator.comparingLong(PointKey::time)
            .thenComparing(PointKey::id).thenComparing(PointKey::area);

    /** Reads every point of the database, one query per category (the total count proves none is elsewhere). */
    public static StoredPoints read(EmbeddedInfluxDb influx, String database, EvaluationPlan plan) throws Exception {
        Map<PointKey, Double> read = new HashMap<>();
        List<String> tagErrors = new ArrayList<>();
        for (Category category : CatalogLoader.load("shanghai").categories()) {
            for (Map<String, Object> row : influx.query(database,
                    "SELECT * FROM indicator WHERE category = '" + category.id() + "'")) {
                PointKey key = new PointKey((String) row.get("id"), (String) row.get("area"), (Long) row.get("time"));
                read.put(key, (Double) row.get("value"));
                CompiledIndicator indicator = plan.indicator(key.id());
                String level = plan.topology().level(key.area()) == null ? null : plan.topology().level(key.area()).tag();
                if (indicator == null || !category.id().equals(indicator.category()) || !row.get("level").equals(level)
                        || !"live".equals(row.get("run"))) {
                    tagErrors.add(key + " has tags " + row);
                }
            }
        }
        List<Map<String, Object>> count = influx.query(database, "SELECT count(value) FROM indicator");
        long total = count.isEmpty() ? 0 : ((Double) count.get(0).get("count")).longValue();
        if (total != read.size()) {
            tagErrors.add("InfluxDB holds " + total + " points, " + read.size() + " of them in catalog categories");
        }
        return new StoredPoints(read, tagErrors);
    }

    /**
     * The differences from the expected points (at most 20 listed, with the counts of missing, extra
     * and different points), "" when none: counts exact, percentiles within the sketch's relative
     * accuracy, other values within 1e-9 relative.
     */
    public String differencesFrom(Map<PointKey, Double> expected, EvaluationPlan plan) {
        List<String> listed = new ArrayList<>();
        int missing = 0;
        int extra = 0;
        int different = 0;
        Map<PointKey, Double> inTime = new TreeMap<>(IN_TIME);
        inTime.putAll(expected);
        for (Map.Entry<PointKey, Double> e : inTime.entrySet()) {
            Double actual = points.get(e.getKey());
            if (actual == null) {
                missing++;
                add(listed, "missing " + e.getKey() + " expected " + e.getValue());
            } else if (!close(plan, e.getKey().id(), e.getValue(), actual)) {
                different++;
                add(listed, "different " + e.getKey() + " expected " + e.getValue() + " actual " + actual);
            }
        }
        inTime.clear();
        inTime.putAll(points);
        for (Map.Entry<PointKey, Double> a : inTime.entrySet()) {
            if (!expected.containsKey(a.getKey())) {
                extra++;
                add(listed, "extra " + a.getKey() + " actual " + a.getValue());
            }
        }
        tagErrors.forEach(t -> add(listed, "tags: " + t));
        if (missing + extra + different + tagErrors.size() == 0) {
            return "";
        }
        return String.format("%d points expected, %d read: %d missing, %d extra, %d different, %d tag errors%n  %s",
                expected.size(), points.size(), missing, extra, different, tagErrors.size(), String.join("\n  ", listed));
    }

    private static void add(List<String> listed, String line) {
        if (listed.size() < 20) {
            listed.add(line);
        }
    }

    private static boolean close(EvaluationPlan plan, String id, double expected, double actual) {
        Aggregation aggregation = plan.indicator(id).aggregation();
        if (aggregation == Aggregation.COUNT || aggregation == Aggregation.DISTINCT) {
            return expected == actual;
        }
        double tolerance = aggregation.isPercentile() ? SKETCH : RELATIVE;
        return Math.abs(actual - expected) <= tolerance * Math.max(Math.abs(expected), Math.abs(actual));
    }
}
