package org.citytwin.jobs.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.jobs.engine.ReferenceIndicators.PointKey;
import org.citytwin.jobs.testing.PointDifferences;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;

/**
 * The {@code indicator} points a run of the engine left in InfluxDB (run {@code live}), with every
 * tag that does not fit the catalog or topology, and how they differ from the reference's points.
 */
public record StoredPoints(Map<PointKey, Double> points, List<String> tagErrors) {

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

    /** The differences from the expected points ({@link PointDifferences#between}), "" when none. */
    public String differencesFrom(Map<PointKey, Double> expected, EvaluationPlan plan) {
        return PointDifferences.between(expected, points, tagErrors, PointDifferences.withinAccuracy(plan));
    }
}
