package org.citytwin.model.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.asset.FixedPoint;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.scenario.EventOverlay;
import org.citytwin.model.scenario.ReadingOverlay;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioScope;
import org.citytwin.model.topology.CityTopology;

/**
 * Makes a scenario's synthetic records for the assets of an existing registry (the replay's; no
 * asset is invented): feed records in the event format, each with its own id
 * ({@code overlay-<scenario>-<n>}) so de-duplication never takes one for a history record, in
 * event-time order. The same scenario, seed, registry and period give the same records.
 */
public final class ScenarioOverlay {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private final Scenario scenario;
    private final AssetTypes types;
    private final CityTopology topology;
    private final AssetRegistry registry;

    public ScenarioOverlay(Scenario scenario, AssetTypes types, CityTopology topology, AssetRegistry registry) {
        this.scenario = scenario;
        this.types = types;
        this.topology = topology;
        this.registry = registry;
    }

    /**
     * The overlay's records for a replay of {@code [from, to)}, in event-time order.
     *
     * @throws IllegalArgumentException when the scenario's window is not inside the period
     */
    public List<SimRecord> records(long from, long to) {
        String outside = scenario.outsidePeriod(from, to);
        if (outside != null) {
            throw new IllegalArgumentException(outside);
        }
        long start = scenario.start(from);
        SplittableRandom rnd = new SplittableRandom(scenario.seed());
        List<SimRecord> out = new ArrayList<>();
        long[] seq = {0};
        for (ReadingOverlay r : scenario.readings()) {
            readings(r, start, rnd, out, seq);
        }
        for (EventOverlay e : scenario.events()) {
            events(e, start, rnd, out, seq);
        }
        out.sort(Comparator.comparingLong(SimRecord::time)); // stable: ties keep generation order
        return out;
    }

    /** The registry's assets of a type within a scope, by id. */
    public List<Asset> assets(String assetType, ScenarioScope scope) {
        List<Asset> assets = new ArrayList<>();
        for (Asset a : registry.all()) {
            if (a.type().equals(assetType) && inScope(a, scope)) {
                assets.add(a);
            }
        }
        assets.sort(Comparator.comparing(Asset::id));
        return assets;
    }

    private boolean inScope(Asset a, ScenarioScope scope) {
        if (scope.districts().isEmpty() && scope.streets().isEmpty()) {
            return true;
        }
        if (scope.streets().contains(a.street())) {
            return true;
        }
        var district = topology.parent(a.street());
        return district != null && scope.districts().contains(district.code());
    }

    private void readings(ReadingOverlay r, long start, SplittableRandom rnd, List<SimRecord> out, long[] seq) {
        MetricDef metric = types.get(r.assetType()).metric(r.metric());
        long from = start + r.scope().offsetMs();
        long duration = r.scope().durationMs();
        List<Asset> assets = assets(r.assetType(), r.scope());
        for (long t = from; t < from + duration; t += r.everyMs()) {
            double level = r.level((t - from) / (double) duration);
            for (Asset a : assets) {
                double v = level + (r.noise() > 0 ? r.noise() * CitySimulator.gauss(rnd) : 0);
                v = Math.min(metric.max(), Math.max(metric.min(), v));
                ObjectNode record = record(seq, a, t);
                record.putObject("readings").put(r.metric(), decimal(metric.toFixed(v), metric.resolution()));
                out.add(sim(a, t, record));
            }
        }
    }

    private void events(EventOverlay e, long start, SplittableRandom rnd, List<SimRecord> out, long[] seq) {
        AssetType type = types.get(e.assetType());
        EventKindDef kind = type.event(e.event());
        long from = start + e.scope().offsetMs();
        int minutes = (int) (e.scope().durationMs() / 60_000);
        for (List<Asset> target : targets(e)) {
            double expected = 0;
            long emitted = 0;
            for (int i = 0; i < minutes; i++) {
                expected += e.ratePerMinute() * e.shape().at((i + 0.5) / minutes);
                long due = (long) Math.floor(expected + 1e-9) - emitted;
                for (long k = 0; k < due; k++) {
                    Asset a = target.get(target.size() == 1 ? 0 : rnd.nextInt(target.size()));
                    long t = from + i * 60_000L + rnd.nextInt(60_000);
                    ObjectNode record = record(seq, a, t);
                    record.put("event", kind.name());
                    ObjectNode attrs = record.putObject("attrs");
                    for (AttributeDef ad : kind.attributes().values()) {
                        Object v = e.attributes().containsKey(ad.name()) ? e.attributes().get(ad.name())
                                : CitySimulator.attribute(ad, rnd);
                        if (v instanceof Double d) {
                            attrs.put(ad.name(), decimal(FixedPoint.toFixed(d, ad.resolution()), ad.resolution()));
                        } else if (v instanceof Boolean b) {
                            attrs.put(ad.name(), b);
                        } else {
                            attrs.put(ad.name(), String.valueOf(v));
                        }
                    }
                    out.add(sim(a, t, record));
                }
                emitted += due;
            }
        }
    }

    /** What an event rate counts per: each asset alone, or the assets of each street or district. */
    private List<List<Asset>> targets(EventOverlay e) {
        List<Asset> assets = assets(e.assetType(), e.scope());
        if (e.per() == EventOverlay.Per.ASSET) {
            return assets.stream().map(List::of).toList();
        }
        Map<String, List<Asset>> byArea = new TreeMap<>();
        for (Asset a : assets) {
            String area = e.per() == EventOverlay.Per.STREET ? a.street() : topology.parent(a.street()).code();
            byArea.computeIfAbsent(area, k -> new ArrayList<>()).add(a);
        }
        return List.copyOf(byArea.values());
    }

    private ObjectNode record(long[] seq, Asset a, long t) {
        ObjectNode record = JSON.createObjectNode();
        record.put("id", "overlay-" + scenario.id() + "-" + Long.toString(seq[0]++, 36));
        record.put("asset", a.id());
        record.put("ts", t);
        return record;
    }

    private static SimRecord sim(Asset a, long t, ObjectNode record) {
        try {
            return new SimRecord(RecordClass.GOOD, a.id(), t, JSON.writeValueAsString(record).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** steps × resolution as an exact decimal (what the simulator writes). */
    private static BigDecimal decimal(long steps, double resolution) {
        return BigDecimal.valueOf(steps).multiply(BigDecimal.valueOf(resolution));
    }
}
