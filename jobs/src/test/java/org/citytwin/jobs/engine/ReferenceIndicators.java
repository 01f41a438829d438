package org.citytwin.jobs.engine;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.event.Event;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.ParseResult;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;

/**
 * The expected final indicator points and dead letters of one feed partition, computed in plain
 * Java straight from docs/indicator-semantics.md, sharing no aggregation code with the engine: a
 * replay of the records that yields each asset's changes with their effective times and the window
 * items, then a sweep over tick ends that aggregates by scanning the assets.
 */
final class ReferenceIndicators {

    /** One point of the {@code indicator} measurement: what identifies it in InfluxDB. */
    record PointKey(String id, String area, long time) {
        @Override
        public String toString() {
            return id + "@" + area + "/" + time;
        }
    }

    /** What the engine must produce for the feed. */
    record Expected(Map<PointKey, Double> points, Map<RejectReason, Long> deadLetters, long accepted) {}

    private static final long NO_WATERMARK = Long.MIN_VALUE;

    private final EvaluationPlan plan;
    private final AssetRegistry registry;
    private final CityTopology topology;
    private final EventParser parser;
    private final long maxOutOfOrdernessMs;
    private final long allowedLatenessMs;

    // Replay state.
    private final Map<String, AssetTwinRef> twins = new HashMap<>();
    private final PriorityQueue<Pending> pending = new PriorityQueue<>(
            Comparator.comparingLong((Pending p) -> p.event.time()).thenComparingLong(p -> p.seq));
    private final PriorityQueue<Offline> offlines = new PriorityQueue<>(Comparator.comparingLong((Offline o) -> o.time));
    private final Map<String, Long> identities = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private final Map<WindowKey, WindowItems> windows = new HashMap<>();
    private final Map<RejectReason, Long> deadLetters = new EnumMap<>(RejectReason.class);
    private final Map<String, List<Area>> ancestors = new HashMap<>();
    private long watermark = NO_WATERMARK;
    private long maxTime = Long.MIN_VALUE;
    private long seq;
    private long accepted;

    private ReferenceIndicators(EvaluationPlan plan, AssetRegistry registry, Duration maxOutOfOrderness,
            Duration allowedLateness) {
        this.plan = plan;
        this.registry = registry;
        this.topology = plan.topology();
        this.parser = new EventParser(plan.assetTypes(), registry);
        this.maxOutOfOrdernessMs = maxOutOfOrderness.toMillis();
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    /** The expected points and dead letters of the records of one partition, in partition order, read to its end. */
    static Expected compute(EvaluationPlan plan, AssetRegistry registry, Duration maxOutOfOrderness,
            Duration allowedLateness, List<byte[]> records) {
        ReferenceIndicators r = new ReferenceIndicators(plan, registry, maxOutOfOrderness, allowedLateness);
        for (byte[] record : records) {
            r.receive(record);
        }
        r.advanceTo(Long.MAX_VALUE); // end of the bounded feed: the watermark goes to the end of time
        Map<PointKey, Double> points = new HashMap<>();
        r.gaugePoints(points);
        r.windowPoints(points);
        r.zeroWindowPoints(points);
        r.derivedPoints(points);
        return new Expected(points, r.deadLetters, r.accepted);
    }

    // ---------------------------------------------------------------- replay

    private static final class AssetTwinRef {
        final Asset asset;
        final AssetType type;
        final Map<String, Long> gaugeTime = new HashMap<>();
        final Map<String, Long> counterTotal = new HashMap<>();
        final Map<String, Long> counterTime = new HashMap<>();
        boolean online;
        long lastSeen = Long.MIN_VALUE;

        AssetTwinRef(Asset asset, AssetType type) {
            this.asset = asset;
            this.type = type;
        }
    }

    private record Pending(Event event, long seq) {}

    private record Offline(String assetId, long time) {}

    /** A change of one asset's state at an effective time: a gauge reading (metric set) or going on/offline. */
    private record Change(long effective, long seq, String assetId, String metric, double value, boolean online) {}

    private record WindowKey(int slot, String area, long end) {}

    private static final class WindowItems {
        long count;
        long sum;
        long max = Long.MIN_VALUE;
        final Set<Object> distinct = new HashSet<>();
        DDSketch sketch;
    }

    private void receive(byte[] payload) {
        ParseResult parsed = parser.parse(payload);
        if (!parsed.ok()) {
            deadLetter(parsed.rejection().reason());
            return;
        }
        Event e = parsed.event();
        long t = e.time();
        boolean hasWatermark = watermark != NO_WATERMARK;
        if (hasWatermark && t <= watermark - allowedLatenessMs) {
            deadLetter(RejectReason.LATE);
        } else {
            String identity = identity(e);
            Long seenAt = identities.get(identity);
            if (seenAt != null && !(hasWatermark && seenAt <= watermark - allowedLatenessMs)) {
                deadLetter(RejectReason.DUPLICATE);
            } else {
                identities.put(identity, t);
                accepted++;
                if (hasWatermark && t <= watermark) {
                    apply(e, watermark + 1); // behind the watermark: at once, effective just after it
                } else {
                    pending.add(new Pending(e, seq++));
                }
            }
        }
        // Every parsed record moves the watermark (the parser's accepted records, see the semantics).
        if (t > maxTime) {
            maxTime = t;
            long next = Math.floorDiv(maxTime - maxOutOfOrdernessMs - 1, 1000) * 1000;
            if (next > watermark) {
                advanceTo(next);
            }
        }
    }

    /** The watermark reaches {@code next}: waiting records and offline moments up to it happen, in time order. */
    private void advanceTo(long next) {
        watermark = next;
        while (true) {
            Pending p = pending.peek();
            Offline o = offlines.peek();
            boolean recordDue = p != null && p.event.time() <= next;
            boolean offlineDue = o != null && o.time <= next;
            if (recordDue && (!offlineDue || p.event.time() <= o.time)) {
                pending.poll();
                apply(p.event, p.event.time()); // a record at the offline moment keeps the asset online
            } else if (offlineDue) {
                offlines.poll();
                AssetTwinRef twin = twins.get(o.assetId);
                if (twin.online && twin.lastSeen + twin.type.silenceTimeoutMs() == o.time) {
                    twin.online = false;
                    changes.add(new Change(o.time, seq++, o.assetId, null, 0, false));
                }
            } else {
                return;
            }
        }
    }

    private void apply(Event e, long effective) {
        AssetTwinRef twin = twins.computeIfAbsent(e.assetId(), id -> {
            Asset asset = registry.get(id);
            return new AssetTwinRef(asset, plan.assetTypes().get(asset.type()));
        });
        boolean behind = effective != e.time();
        if (!twin.online) {
            twin.online = true;
            changes.add(new Change(effective, seq++, e.assetId(), null, 0, true));
        }
        if (e.time() > twin.lastSeen) {
            twin.lastSeen = e.time();
            if (twin.type.silenceTimeoutMs() > 0) {
                offlines.add(new Offline(e.assetId(), e.time() + twin.type.silenceTimeoutMs()));
            }
        }
        if (e.isReading()) {
            for (Map.Entry<String, Double> reading : new TreeMap<>(e.readings()).entrySet()) {
                String metric = reading.getKey();
                MetricDef def = twin.type.metric(metric);
                if (def.kind() == MetricKind.GAUGE) {
                    Long current = twin.gaugeTime.get(metric);
                    if (behind && current != null && e.time() < current) {
                        continue; // older than the asset's current reading
                    }
                    twin.gaugeTime.put(metric, e.time());
                    changes.add(new Change(effective, seq++, e.assetId(), metric, reading.getValue(), true));
                } else {
                    Long currentTime = twin.counterTime.get(metric);
                    if (behind && currentTime != null && e.time() < currentTime) {
                        continue; // older than the current total
                    }
                    long total = def.toFixed(reading.getValue());
                    Long previous = twin.counterTotal.put(metric, total);
                    twin.counterTime.put(metric, e.time());
                    if (previous == null) {
                        continue; // the first reading only sets the baseline
                    }
                    long increment = total >= previous ? total - previous : total;
                    double value = def.fromFixed(increment);
                    for (int slot : plan.slotsForReading(twin.type.name(), metric)) {
                        CompiledIndicator indicator = plan.slot(slot);
                        if (indicator.source() == SourceKind.COUNTER
                                && indicator.acceptsReading(value, twin.online, twin.asset)) {
                            addItem(slot, twin.asset, e.time(), value, null);
                        }
                    }
                }
            }
        } else {
            for (int slot : plan.slotsForEvent(twin.type.name(), e.kind())) {
                CompiledIndicator indicator = plan.slot(slot);
                if (!indicator.acceptsEvent(e.attributes(), twin.asset)) {
                    continue;
                }
                String attribute = indicator.indicator().attribute();
                if (attribute == null) {
                    addItem(slot, twin.asset, e.time(), 0, null);
                } else if (e.attributes().containsKey(attribute)) {
                    Object raw = e.attributes().get(attribute);
                    addItem(slot, twin.asset, e.time(), raw instanceof Number n ? n.doubleValue() : 0, raw);
                }
            }
        }
    }

    private void addItem(int slot, Asset asset, long time, double value, Object label) {
        CompiledIndicator indicator = plan.slot(slot);
        long period = indicator.periodMs();
        long end = Math.floorDiv(time, period) * period + period; // window [end - P, end)
        long steps = Math.round(value / indicator.resolution());
        for (Area area : areasOf(asset.street())) {
            if (!indicator.levels().contains(area.level())) {
                continue;
            }
            WindowItems w = windows.computeIfAbsent(new WindowKey(slot, area.code(), end), k -> new WindowItems());
            w.count++;
            w.sum += steps;
            w.max = Math.max(w.max, steps);
            if (label != null) {
                w.distinct.add(label);
            }
            if (indicator.aggregation().isPercentile()) {
                if (w.sketch == null) {
                    w.sketch = DDSketches.unboundedDense(Aggregation.SKETCH_RELATIVE_ACCURACY);
                }
                w.sketch.accept(decimal(steps, indicator.resolution()));
            }
        }
    }

    /** The street, its district and the city (cached: asked for every item and asset). */
    private List<Area> areasOf(String street) {
        return ancestors.computeIfAbsent(street, topology::ancestorsAndSelf);
    }

    /** Identity for de-duplication, per asset: the event id, else the event time and content. */
    private static String identity(Event e) {
        String content = e.eventId() != null ? "id:" + e.eventId()
                : e.time() + "|" + (e.isReading() ? new TreeMap<>(e.readings()) : e.kind() + new TreeMap<>(e.attributes()));
        return e.assetId() + '\u0000' + content;
    }

    private void deadLetter(RejectReason reason) {
        deadLetters.merge(reason, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- gauges

    /** Sweeps tick ends in order, applying the changes effective up to each, and aggregates the touched gauges. */
    private void gaugePoints(Map<PointKey, Double> out) {
        Map<String, List<Integer>> gaugeSlotsByType = new HashMap<>();
        for (int s = 0; s < plan.size(); s++) {
            if (plan.slot(s).source() == SourceKind.GAUGE) {
                gaugeSlotsByType.computeIfAbsent(plan.slot(s).indicator().assetType(), k -> new ArrayList<>()).add(s);
            }
        }
        // Touches: (tick end T) -> slot -> areas.
        TreeMap<Long, Map<Integer, Set<String>>> touched = new TreeMap<>();
        for (Change c : changes) {
            Asset asset = registry.get(c.assetId);
            for (int slot : gaugeSlotsByType.getOrDefault(asset.type(), List.of())) {
                CompiledIndicator indicator = plan.slot(slot);
                if (c.metric != null && !c.metric.equals(indicator.indicator().metric())) {
                    continue;
                }
                long period = indicator.periodMs();
                long tick = Math.floorDiv(c.effective + period - 1, period) * period; // effective in (T - P, T]
                Set<String> areas = touched.computeIfAbsent(tick, k -> new HashMap<>())
                        .computeIfAbsent(slot, k -> new HashSet<>());
                for (Area area : areasOf(asset.street())) {
                    if (indicator.levels().contains(area.level())) {
                        areas.add(area.code());
                    }
                }
            }
        }
        List<Change> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparingLong(Change::effective).thenComparingLong(Change::seq));
        Map<String, Map<String, Double>> values = new HashMap<>();
        Map<String, Boolean> online = new HashMap<>();
        Map<String, List<Asset>> assetsByType = new HashMap<>();
        for (Asset a : registry.all()) {
            assetsByType.computeIfAbsent(a.type(), k -> new ArrayList<>()).add(a);
        }
        Map<VerdictKey, Verdict> verdicts = new HashMap<>();
        int next = 0;
        for (Map.Entry<Long, Map<Integer, Set<String>>> tick : touched.entrySet()) {
            long t = tick.getKey();
            for (; next < ordered.size() && ordered.get(next).effective <= t; next++) {
                Change c = ordered.get(next);
                if (c.metric == null) {
                    online.put(c.assetId, c.online);
                } else {
                    values.computeIfAbsent(c.assetId, k -> new HashMap<>()).put(c.metric, c.value);
                }
            }
            for (Map.Entry<Integer, Set<String>> e : tick.getValue().entrySet()) {
                CompiledIndicator indicator = plan.slot(e.getKey());
                Set<String> areas = e.getValue();
                Map<String, GaugeSet> sets = new HashMap<>();
                areas.forEach(a -> sets.put(a, new GaugeSet()));
                String metric = indicator.indicator().metric();
                String attribute = indicator.valueAttribute();
                for (Asset asset : assetsByType.getOrDefault(indicator.indicator().assetType(), List.of())) {
                    Double reading = values.getOrDefault(asset.id(), Map.of()).get(metric);
                    if (reading == null) {
                        continue;
                    }
                    double value = reading;
                    if (attribute != null) {
                        Object raw = asset.attributes().get(attribute);
                        value = raw instanceof Number n ? n.doubleValue() : 0;
                    }
                    boolean isOnline = online.getOrDefault(asset.id(), false);
                    // CEL is a pure function of (value, online, attributes): re-evaluate only when they change.
                    Verdict verdict = verdicts.get(new VerdictKey(indicator.slot(), asset.id()));
                    if (verdict == null || verdict.value != value || verdict.online != isOnline) {
                        boolean accepts = indicator.acceptsReading(value, isOnline, asset);
                        verdict = new Verdict(value, isOnline, accepts,
                                accepts && indicator.conditionHolds(value, isOnline, asset));
                        verdicts.put(new VerdictKey(indicator.slot(), asset.id()), verdict);
                    }
                    if (!verdict.accepts) {
                        continue;
                    }
                    boolean meets = verdict.meets;
                    long steps = Math.round(value / indicator.resolution());
                    for (Area area : areasOf(asset.street())) {
                        GaugeSet s = sets.get(area.code());
                        if (s != null) {
                            s.add(steps, meets);
                        }
                    }
                }
                sets.forEach((area, s) -> {
                    double v = s.value(indicator);
                    if (!Double.isNaN(v)) {
                        out.put(new PointKey(indicator.id(), area, t), v);
                    }
                });
            }
        }
    }

    private record VerdictKey(int slot, String assetId) {}

    /** A gauge's filter and condition for one asset state. */
    private record Verdict(double value, boolean online, boolean accepts, boolean meets) {}

    /** The assets S(T) of one gauge in one area. */
    private static final class GaugeSet {
        long size;
        long meeting;
        long sum;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;

        void add(long steps, boolean meets) {
            size++;
            if (meets) {
                meeting++;
            }
            sum += steps;
            min = Math.min(min, steps);
            max = Math.max(max, steps);
        }

        /** The point's value; NaN when none is written (avg, min, max, share of an empty set). */
        double value(CompiledIndicator indicator) {
            double resolution = indicator.resolution();
            return switch (indicator.aggregation()) {
                case SUM -> decimal(sum, resolution);
                case COUNT -> indicator.indicator().condition() != null ? meeting : size;
                case AVG -> size == 0 ? Double.NaN : decimal(sum, resolution) / size;
                case MIN -> size == 0 ? Double.NaN : decimal(min, resolution);
                case MAX -> size == 0 ? Double.NaN : decimal(max, resolution);
                case SHARE -> size == 0 ? Double.NaN : 100.0 * meeting / size;
                default -> throw new IllegalArgumentException(indicator.id() + " is no gauge aggregation");
            };
        }
    }

    // ---------------------------------------------------------------- windows

    private void windowPoints(Map<PointKey, Double> out) {
        windows.forEach((key, w) -> {
            CompiledIndicator indicator = plan.slot(key.slot);
            double resolution = indicator.resolution();
            double seconds = indicator.periodMs() / 1000.0;
            boolean valued = indicator.source() == SourceKind.COUNTER || indicator.indicator().attribute() != null;
            double v = switch (indicator.aggregation()) {
                case COUNT -> w.count;
                case SUM -> decimal(w.sum, resolution);
                case AVG -> decimal(w.sum, resolution) / w.count;
                case MAX -> decimal(w.max, resolution);
                case RATE -> (valued ? decimal(w.sum, resolution) : w.count) / seconds;
                case DISTINCT -> w.distinct.size();
                case P50, P95, P99 -> w.sketch.getValueAtQuantile(indicator.aggregation().quantile());
                default -> throw new IllegalArgumentException(indicator.id() + " is no window aggregation");
            };
            out.put(new PointKey(indicator.id(), key.area, key.end), v);
        });
    }

    /**
     * Counts, sums and rates of a window end at which the feed has items of that period anywhere:
     * 0 in every area of the indicator's levels where assets of its type are registered and it has
     * no items.
     */
    private void zeroWindowPoints(Map<PointKey, Double> out) {
        Map<Long, Set<Long>> endsByPeriod = new HashMap<>();
        windows.keySet().forEach(key -> endsByPeriod.computeIfAbsent(plan.slot(key.slot).periodMs(),
                p -> new java.util.TreeSet<>()).add(key.end));
        Map<String, Set<String>> areasByType = new HashMap<>();
        for (Asset asset : registry.all()) {
            for (Area area : areasOf(asset.street())) {
                areasByType.computeIfAbsent(asset.type(), t -> new java.util.TreeSet<>()).add(area.code());
            }
        }
        for (int s = 0; s < plan.size(); s++) {
            CompiledIndicator indicator = plan.slot(s);
            boolean windowed = indicator.source() == SourceKind.COUNTER || indicator.source() == SourceKind.EVENT;
            if (!windowed || !EnumSet.of(Aggregation.COUNT, Aggregation.SUM, Aggregation.RATE)
                    .contains(indicator.aggregation())) {
                continue;
            }
            for (long end : endsByPeriod.getOrDefault(indicator.periodMs(), Set.of())) {
                for (String area : areasByType.getOrDefault(indicator.indicator().assetType(), Set.of())) {
                    if (indicator.levels().contains(topology.level(area))) {
                        out.putIfAbsent(new PointKey(indicator.id(), area, end), 0.0);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- derived

    private void derivedPoints(Map<PointKey, Double> out) {
        Expressions expressions = new Expressions(plan.assetTypes());
        Set<String> ids = new LinkedHashSet<>();
        for (int s = 0; s < plan.size(); s++) {
            ids.add(plan.slot(s).id());
        }
        expressions.declareIndicators(ids);
        Map<String, List<PointKey>> byId = new HashMap<>();
        for (PointKey k : out.keySet()) {
            byId.computeIfAbsent(k.id, x -> new ArrayList<>()).add(k);
        }
        for (int slot : plan.derivedOrder()) {
            CompiledIndicator indicator = plan.slot(slot);
            List<String> inputs = new ArrayList<>();
            for (String ref : expressions.compileFormula(indicator.indicator().formula()).references()) {
                if (ids.contains(ref)) {
                    inputs.add(ref);
                }
            }
            if (inputs.isEmpty()) {
                continue;
            }
            // Candidate (area, T): the points of the first input.
            List<PointKey> candidates = new ArrayList<>();
            for (PointKey k : byId.getOrDefault(inputs.get(0), List.of())) {
                if (k.time % indicator.periodMs() == 0 && indicator.levels().contains(topology.level(k.area))) {
                    candidates.add(k);
                }
            }
            for (PointKey k : candidates) {
                Map<String, Double> values = new LinkedHashMap<>();
                for (String input : inputs) {
                    Double v = out.get(new PointKey(input, k.area, k.time));
                    if (v == null) {
                        break;
                    }
                    values.put(input, v);
                }
                if (values.size() < inputs.size()) {
                    continue;
                }
                double v = indicator.evaluate(values);
                if (Double.isFinite(v)) {
                    PointKey key = new PointKey(indicator.id(), k.area, k.time);
                    out.put(key, v);
                    byId.computeIfAbsent(key.id, x -> new ArrayList<>()).add(key);
                }
            }
        }
    }

    /** {@code steps × resolution} in decimal, as the semantics prescribe for exact sums. */
    static double decimal(long steps, double resolution) {
        return BigDecimal.valueOf(steps).multiply(BigDecimal.valueOf(resolution)).doubleValue();
    }
}
