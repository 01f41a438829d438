package org.citytwin.jobs.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.Simulation;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.RecordClass;
import org.citytwin.model.sim.SimRecord;

/**
 * Records that give indicators the simulated feed left without input (rare events at a small
 * scale) at least one, so a test can expect a point for every catalog indicator.
 */
public final class CoverageFeed {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CoverageFeed() {}

    /**
     * For each gauge, counter and event indicator not in {@code withPoints} (all of them when it is empty), one
     * well-formed record (two for counters: a baseline and an increment) from a registered asset
     * that passes the indicator's filter, stamped in the last 20 s of the simulation. Values are drawn
     * from the catalog's simulation ranges with a seeded generator.
     */
    public static List<SimRecord> topUp(CitySimulator simulator, AssetTypes types, EvaluationPlan plan,
            List<Indicator> indicators, Set<String> withPoints, long seed) {
        Map<String, List<Asset>> byType = new HashMap<>();
        for (Asset a : simulator.registry().all()) {
            byType.computeIfAbsent(a.type(), k -> new ArrayList<>()).add(a);
        }
        Random random = new Random(seed);
        List<SimRecord> out = new ArrayList<>();
        long time = simulator.end() - 20_000;
        for (Indicator indicator : indicators) {
            if (indicator.source() == SourceKind.DERIVED || withPoints.contains(indicator.id())) {
                continue;
            }
            CompiledIndicator compiled = plan.indicator(indicator.id());
            List<Asset> candidates = new ArrayList<>();
            for (AssetType t : types.all()) {
                boolean reads = indicator.source() == SourceKind.EVENT
                        ? (indicator.assetType() == null || indicator.assetType().equals(t.name())) && t.event(indicator.event()) != null
                        : t.name().equals(indicator.assetType());
                if (reads) {
                    candidates.addAll(byType.getOrDefault(t.name(), List.of()));
                }
            }
            for (int attempt = 0; attempt < 2000 && !candidates.isEmpty(); attempt++) {
                Asset asset = candidates.get(random.nextInt(candidates.size()));
                AssetType type = types.get(asset.type());
                String id = "\"id\":\"cover-" + out.size() + "\",\"asset\":\"" + asset.id() + "\"";
                if (indicator.source() == SourceKind.EVENT) {
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    for (AttributeDef a : type.event(indicator.event()).attributes().values()) {
                        attrs.put(a.name(), switch (a.type()) {
                            case STRING -> a.values().isEmpty() ? "x" : a.values().get(random.nextInt(a.values().size()));
                            case BOOL -> random.nextBoolean();
                            default -> draw(a.sim(), a.resolution(), random);
                        });
                    }
                    if (compiled.acceptsEvent(attrs, asset)) {
                        out.add(record(asset, time + 10L * out.size(), "{" + id + ",\"ts\":" + (time + 10L * out.size())
                                + ",\"event\":\"" + indicator.event() + "\",\"attrs\":" + json(attrs) + "}"));
                        break;
                    }
                } else {
                    MetricDef metric = type.metric(indicator.metric());
                    if (indicator.source() == SourceKind.GAUGE) {
                        double value = draw(metric.sim(), metric.resolution(), random);
                        double filterValue = value;
                        if (indicator.attribute() != null && asset.attributes().get(indicator.attribute()) instanceof Number n) {
                            filterValue = n.doubleValue();
                        }
                        if (compiled.acceptsReading(filterValue, true, asset)) {
                            out.add(reading(asset, time + 10L * out.size(), id, metric, value));
                            break;
                        }
                    } else {
                        double increment = metric.quantize(Math.pow(10, random.nextInt(5)) * (1 + random.nextInt(9)));
                        if (increment > 0 && compiled.acceptsReading(increment, true, asset)) {
                            double base = metric.quantize(1_000_000_000 * metric.resolution());
                            out.add(reading(asset, time + 10L * out.size(), id, metric, base));
                            String next = "\"id\":\"cover-" + out.size() + "\",\"asset\":\"" + asset.id() + "\"";
                            out.add(reading(asset, time + 10L * out.size(), next, metric,
                                    metric.fromFixed(metric.toFixed(base) + metric.toFixed(increment))));
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double draw(Simulation sim, double resolution, Random random) {
        double v = sim.base() + sim.noise() * (random.nextInt(9) - 4) + (random.nextBoolean() ? sim.amp() : 0);
        v = Math.min(sim.max(), Math.max(sim.min(), v));
        return BigDecimal.valueOf(Math.round(v / resolution)).multiply(BigDecimal.valueOf(resolution)).doubleValue();
    }

    private static SimRecord reading(Asset asset, long time, String id, MetricDef metric, double value) {
        return record(asset, time, "{" + id + ",\"ts\":" + time + ",\"readings\":{\"" + metric.name() + "\":"
                + BigDecimal.valueOf(value).toPlainString() + "}}");
    }

    private static SimRecord record(Asset asset, long time, String json) {
        return new SimRecord(RecordClass.GOOD, asset.id(), time, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Map<String, Object> attrs) {
        try {
            return JSON.writeValueAsString(attrs);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
