package org.citytwin.jobs.engine;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetHistory;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.event.Event;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.ParseResult;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;

/**
 * The expected final indicator points and dead letters of a feed, computed in plain Java straight
 * from docs/indicator-semantics.md and docs/catalog-format.md. It shares with the engine only its
 * input — the parsed catalog, asset types, topology, registry and the event parser — and the CEL
 * library: it routes records by scanning the catalog, builds the CEL variables itself
 * ({@link ReferenceExpressions}), evaluates formulas until no new point appears (no dependency
 * order), and gives percentiles as exact quantiles of the sorted values (the engine's sketch must be
 * within its relative accuracy of them). Per record and in memory: a replay of each partition that
 * yields every asset's changes with their effective times and the window items, then a sweep over
 * tick ends that aggregates each touched gauge by scanning the assets.
 */
public final class ReferenceIndicators {

    /** One point of the {@code indicator} measurement: what identifies it in InfluxDB. */
    public record PointKey(String id, String area, long time) {
        @Override
        public String toString() {
            return id + "@" + area + "/" + time;
        }
    }

    /**
     * What the engine must produce for the feed. Percentile points hold the exact quantile (see
     * {@link #exactQuantile}); {@code appliedBehindWatermark} counts the accepted records that arrived
     * behind their partition's watermark (applied at once, correcting what was written).
     */
    public record Expected(Map<PointKey, Double> points, Map<RejectReason, Long> deadLetters, long accepted,
            long appliedBehindWatermark) {}

    private static final long NO_WATERMARK = Long.MIN_VALUE;

    private final Catalog catalog;
    private final AssetTypes types;
    private final CityTopology topology;
    private final AssetRegistry registry;
    private final EventParser parser;
    private final ReferenceExpressions cel;
    private final long maxOutOfOrdernessMs;
    private final long allowedLatenessMs;

    private final Map<String, List<Indicator>> readersByType = new HashMap<>();
    private final Map<String, AssetTwin> twins = new HashMap<>();
    private final List<Change> changes = new ArrayList<>();
    private final Map<WindowKey, WindowItems> windows = new HashMap<>();
    private final Map<RejectReason, Long> deadLetters = new EnumMap<>(RejectReason.class);
    private long seq;
    private long accepted;
    private long behind;

    private ReferenceIndicators(Catalog catalog, AssetTypes types, CityTopology topology, AssetRegistry registry,
            Duration maxOutOfOrderness, Duration allowedLateness) {
        this.catalog = catalog;
        this.types = types;
        this.topology = topology;
        this.registry = registry;
        this.parser = new EventParser(types, registry);
        List<String> ids = new ArrayList<>();
        catalog.indicators().forEach(i -> ids.add(i.id()));
        this.cel = new ReferenceExpressions(ids);
        this.maxOutOfOrdernessMs = maxOutOfOrderness.toMillis();
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    /**
     * The expected points and dead letters of a feed given as its partitions' records, each in
     * partition order and read to its end. An asset's records are in one partition (the Kafka key is
     * the asset id).
     */
    public static Expected compute(Catalog catalog, AssetTypes types, CityTopology topology, AssetRegistry registry,
            Duration maxOutOfOrderness, Duration allowedLateness, List<List<byte[]>> partitions) {
        ReferenceIndicators r = new ReferenceIndicators(catalog, types, topology, registry, maxOutOfOrderness,
                allowedLateness);
        for (int p = 0; p < partitions.size(); p++) {
            Partition partition = r.new Partition(p);
            for (byte[] record : partitions.get(p)) {
                partition.receive(record);
            }
            partition.advanceTo(Long.MAX_VALUE); // end of the bounded feed: the watermark goes to the end of time
        }
        Map<PointKey, Double> points = new HashMap<>();
        r.gaugePoints(points);
        r.windowPoints(points);
        r.zeroWindowPoints(points);
        r.derivedPoints(points);
        return new Expected(points, r.deadLetters, r.accepted, r.behind);
    }

    // ---------------------------------------------------------------- routing

    /** The non-formula indicators that read anything of an asset type, found by scanning the catalog. */
    private List<Indicator> readers(AssetType type) {
        return readersByType.computeIfAbsent(type.name(), name -> {
            List<Indicator> out = new ArrayList<>();
            for (Indicator i : catalog.indicators()) {
                boolean reads = switch (i.source()) {
                    case GAUGE, COUNTER -> name.equals(i.assetType());
                    case EVENT -> i.assetType() == null ? type.event(i.event()) != null : name.equals(i.assetType());
                    case DERIVED -> false;
                };
                if (reads) {
                    out.add(i);
                }
            }
            return out;
        });
    }

    /** The street, its district and the city, those at one of the indicator's levels. */
    private List<Area> areasOf(Indicator indicator, String street) {
        List<Area> out = new ArrayList<>();
        for (Area area : topology.ancestorsAndSelf(street)) {
            if (indicator.levels().contains(area.level())) {
                out.add(area);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- replay

    private static final class AssetTwin {
        /** The asset's entries by the event time from which each applies. */
        final AssetHistory history;
        final AssetType type;
        final int partition;
        final Map<String, Long> gaugeTime = new HashMap<>();
        final Map<String, Long> counterTotal = new HashMap<>();
        final Map<String, Long> counterTime = new HashMap<>();
        boolean online;
        long lastSeen = Long.MIN_VALUE;
        /** The effective time of the asset's first change: from then on it is in its areas. */
        long firstEffective = Long.MAX_VALUE;

        AssetTwin(AssetHistory history, AssetType type, int partition) {
            this.history = history;
            this.type = type;
            this.partition = partition;
        }
    }

    private record Pending(Event event, long seq) {}

    private record Offline(String assetId, long time) {}

    /** A change of one asset's state at an effective time: a gauge reading (metric set) or going on/offline. */
    private record Change(long effective, long seq, String assetId, String metric, double value, boolean online) {}

    private record WindowKey(String id, String area, long end) {}

    /** The items of one window of one indicator in one area. */
    private static final class WindowItems {
        long count;
        long sum;
        long max = Long.MIN_VALUE;
        final Set<Object> distinct = new HashSet<>();
        final List<Double> values = new ArrayList<>();
    }

    /** One feed partition: its watermark, the records waiting for it, the identities it accepted. */
    private final class Partition {
        final int index;
        final PriorityQueue<Pending> pending = new PriorityQueue<>(
                Comparator.comparingLong((Pending p) -> p.event.time()).thenComparingLong(p -> p.seq));
        final PriorityQueue<Offline> offlines = new PriorityQueue<>(Comparator.comparingLong((Offline o) -> o.time));
        final Map<String, Long> identities = new HashMap<>();
        long watermark = NO_WATERMARK;
        long maxTime = Long.MIN_VALUE;

        Partition(int index) {
            this.index = index;
        }

        void receive(byte[] payload) {
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
                        behind++;
                        apply(e, watermark + 1); // behind the watermark: at once, effective just after it
                    } else {
                        pending.add(new Pending(e, seq++));
                    }
                }
            }
            // Every record the parser accepted moves the watermark (LATE and DUPLICATE ones too).
            if (t > maxTime) {
                maxTime = t;
                long next = Math.floorDiv(maxTime - maxOutOfOrdernessMs - 1, 1000) * 1000;
                if (next > watermark) {
                    advanceTo(next);
                }
            }
        }

        /** The watermark reaches {@code next}: waiting records and offline moments up to it happen, in time order. */
        void advanceTo(long next) {
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
                    AssetTwin twin = twins.get(o.assetId);
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
            AssetTwin twin = twins.computeIfAbsent(e.assetId(), id -> {
                AssetHistory history = registry.history(id);
                return new AssetTwin(history, types.get(history.latest().type()), index);
            });
            if (twin.partition != index) {
                throw new IllegalArgumentException("asset " + e.assetId() + " has records in partitions "
                        + twin.partition + " and " + index + ": the reference expects one partition per asset");
            }
            boolean isBehind = effective != e.time();
            twin.firstEffective = Math.min(twin.firstEffective, effective);
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
                    applyReading(twin, e.time(), isBehind, effective, reading.getKey(), reading.getValue());
                }
            } else {
                applyEvent(twin, e);
            }
        }

        private void applyReading(AssetTwin twin, long time, boolean isBehind, long effective, String metric,
                double reading) {
            MetricDef def = twin.type.metric(metric);
            if (def.kind() == MetricKind.GAUGE) {
                Long current = twin.gaugeTime.get(metric);
                if (isBehind && current != null && time < current) {
                    return; // older than the asset's current reading
                }
                twin.gaugeTime.put(metric, time);
                changes.add(new Change(effective, seq++, twin.history.latest().id(), metric, reading, true));
                return;
            }
            Long currentTime = twin.counterTime.get(metric);
            if (isBehind && currentTime != null && time < currentTime) {
                return; // older than the current total
            }
            long total = def.toFixed(reading);
            Long previous = twin.counterTotal.put(metric, total);
            twin.counterTime.put(metric, time);
            if (previous == null) {
                return; // the first reading only sets the baseline
            }
            long increment = total >= previous ? total - previous : total;
            double value = def.fromFixed(increment);
            Asset asset = twin.history.at(time); // the entry that applies at the reading's time
            for (Indicator indicator : readers(twin.type)) {
                if (indicator.source() == SourceKind.COUNTER && indicator.metric().equals(metric)
                        && (indicator.filter() == null
                                || cel.holdsForReading(indicator.filter(), twin.type, asset, value, twin.online))) {
                    addItem(indicator, asset, time, value, null);
                }
            }
        }

        private void applyEvent(AssetTwin twin, Event e) {
            Asset asset = twin.history.at(e.time()); // the entry that applies at the event's time
            for (Indicator indicator : readers(twin.type)) {
                if (indicator.source() != SourceKind.EVENT || !indicator.event().equals(e.kind())) {
                    continue;
                }
                if (indicator.filter() != null && !cel.holdsForEvent(indicator.filter(), twin.type, asset, e,
                        indicator.assetType() != null)) {
                    continue;
                }
                String attribute = indicator.attribute();
                if (attribute == null) {
                    addItem(indicator, asset, e.time(), 0, null);
                } else if (e.attributes().containsKey(attribute)) {
                    Object raw = e.attributes().get(attribute);
                    addItem(indicator, asset, e.time(), raw instanceof Number n ? n.doubleValue() : 0, raw);
                } // an event lacking the attribute is no item
            }
        }
    }

    private void addItem(Indicator indicator, Asset asset, long time, double value, Object label) {
        long period = indicator.periodMs();
        long end = Math.floorDiv(time, period) * period + period; // window [end - P, end)
        long steps = Math.round(value / indicator.resolution());
        for (Area area : areasOf(indicator, asset.street())) {
            WindowItems w = windows.computeIfAbsent(new WindowKey(indicator.id(), area.code(), end), k -> new WindowItems());
            w.count++;
            w.sum += steps;
            w.max = Math.max(w.max, steps);
            if (label != null) {
                w.distinct.add(label);
            }
            w.values.add(decimal(steps, indicator.resolution()));
        }
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
        // Touches: tick end T -> indicator -> areas. A reading of the indicator's metric, or going on/offline.
        TreeMap<Long, Map<String, Set<String>>> touched = new TreeMap<>();
        for (Change c : changes) {
            AssetTwin twin = twins.get(c.assetId);
            for (Indicator indicator : readers(twin.type)) {
                if (indicator.source() != SourceKind.GAUGE || (c.metric != null && !c.metric.equals(indicator.metric()))) {
                    continue;
                }
                long period = indicator.periodMs();
                long tick = Math.floorDiv(c.effective + period - 1, period) * period; // effective in (T - P, T]
                Set<String> areas = touched.computeIfAbsent(tick, k -> new HashMap<>())
                        .computeIfAbsent(indicator.id(), k -> new HashSet<>());
                areasOf(indicator, twin.history.at(c.effective).street()).forEach(a -> areas.add(a.code()));
            }
        }
        touchMoves(touched);
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
        for (Map.Entry<Long, Map<String, Set<String>>> tick : touched.entrySet()) {
            long t = tick.getKey();
            for (; next < ordered.size() && ordered.get(next).effective <= t; next++) {
                Change c = ordered.get(next);
                if (c.metric == null) {
                    online.put(c.assetId, c.online);
                } else {
                    values.computeIfAbsent(c.assetId, k -> new HashMap<>()).put(c.metric, c.value);
                }
            }
            for (Map.Entry<String, Set<String>> e : tick.getValue().entrySet()) {
                Indicator indicator = catalog.get(e.getKey());
                AssetType type = types.get(indicator.assetType());
                Map<String, GaugeSet> sets = new HashMap<>();
                e.getValue().forEach(a -> sets.put(a, new GaugeSet()));
                for (Asset asset : assetsByType.getOrDefault(indicator.assetType(), List.of())) {
                    Double reading = values.getOrDefault(asset.id(), Map.of()).get(indicator.metric());
                    boolean isOnline = online.getOrDefault(asset.id(), false);
                    if (reading == null || !(isOnline || indicator.offlineKeep())) {
                        continue; // no current value, or offline
                    }
                    // CEL is a pure function of (reading, online, attributes): evaluated again only when they change.
                    VerdictKey key = new VerdictKey(indicator.id(), asset.id());
                    Verdict verdict = verdicts.get(key);
                    Asset entry = registry.history(asset.id()).at(t); // the entry that applies at the tick
                    if (verdict == null || verdict.reading != reading || verdict.online != isOnline
                            || verdict.entry != entry) {
                        boolean passes = indicator.filter() == null
                                || cel.holdsForReading(indicator.filter(), type, entry, reading, isOnline);
                        boolean meets = passes && (indicator.condition() == null
                                || cel.holdsForReading(indicator.condition(), type, entry, reading, isOnline));
                        verdict = new Verdict(reading, isOnline, entry, passes, meets);
                        verdicts.put(key, verdict);
                    }
                    if (!verdict.passes) {
                        continue;
                    }
                    // The aggregated value: the reading, or the static attribute of a {metric, attribute} gauge.
                    double value = indicator.attribute() == null ? reading
                            : ((Number) entry.attributes().get(indicator.attribute())).doubleValue();
                    long steps = Math.round(value / indicator.resolution());
                    for (Area area : topology.ancestorsAndSelf(entry.street())) {
                        GaugeSet s = sets.get(area.code());
                        if (s != null) {
                            s.add(steps, verdict.meets);
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

    private record VerdictKey(String id, String assetId) {}

    /** A gauge's filter and condition for one asset state. */
    private record Verdict(double reading, boolean online, Asset entry, boolean passes, boolean meets) {}

    /**
     * A registry entry that changes an asset's street or attributes from its {@code valid_from}
     * touches, at the tick that time falls in, every gauge of the asset's type in the areas of its
     * old and new street, if the asset was in its areas before (it had a change before that time).
     */
    private void touchMoves(TreeMap<Long, Map<String, Set<String>>> touched) {
        for (AssetTwin twin : twins.values()) {
            List<Asset> entries = twin.history.entries();
            for (int i = 1; i < entries.size(); i++) {
                Asset before = entries.get(i - 1);
                Asset after = entries.get(i);
                long validFrom = twin.history.validFromAt(i);
                if (validFrom <= twin.firstEffective || before.street().equals(after.street())
                        && before.attributes().equals(after.attributes())) {
                    continue;
                }
                for (Indicator indicator : readers(twin.type)) {
                    if (indicator.source() != SourceKind.GAUGE) {
                        continue;
                    }
                    long period = indicator.periodMs();
                    long tick = Math.floorDiv(validFrom + period - 1, period) * period;
                    Set<String> areas = touched.computeIfAbsent(tick, k -> new HashMap<>())
                            .computeIfAbsent(indicator.id(), k -> new HashSet<>());
                    areasOf(indicator, before.street()).forEach(a -> areas.add(a.code()));
                    areasOf(indicator, after.street()).forEach(a -> areas.add(a.code()));
                }
            }
        }
    }

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
        double value(Indicator indicator) {
            double resolution = indicator.resolution();
            return switch (indicator.aggregation()) {
                case SUM -> decimal(sum, resolution);
                case COUNT -> indicator.condition() != null ? meeting : size;
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
            Indicator indicator = catalog.get(key.id);
            double resolution = indicator.resolution();
            double seconds = indicator.periodMs() / 1000.0;
            boolean valued = indicator.source() == SourceKind.COUNTER || indicator.attribute() != null;
            double v = switch (indicator.aggregation()) {
                case COUNT -> w.count;
                case SUM -> decimal(w.sum, resolution);
                case AVG -> decimal(w.sum, resolution) / w.count;
                case MAX -> decimal(w.max, resolution);
                case RATE -> (valued ? decimal(w.sum, resolution) : w.count) / seconds;
                case DISTINCT -> w.distinct.size();
                case P50, P95, P99 -> exactQuantile(w.values, indicator.aggregation());
                default -> throw new IllegalArgumentException(indicator.id() + " is no window aggregation");
            };
            out.put(new PointKey(indicator.id(), key.area, key.end), v);
        });
    }

    /**
     * The exact quantile of the values as DDSketch defines its rank: the value at index
     * {@code floor(q × (n − 1))} of the values in ascending order. The sketch returns a value within
     * its relative accuracy of it.
     */
    static double exactQuantile(List<Double> values, Aggregation percentile) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get((int) Math.floor(percentile.quantile() * (sorted.size() - 1)));
    }

    /**
     * A window without items in an area is written as 0 for {@code count}, {@code sum} and {@code
     * rate} when (a) assets of the indicator's asset type are registered in the area (filters not
     * applied) and (b) the feed has an item of some window indicator of the same period, anywhere,
     * in that window. The asset types of an indicator over events of any asset type are the types
     * that declare its event kind.
     */
    private void zeroWindowPoints(Map<PointKey, Double> out) {
        Map<Long, Set<Long>> endsByPeriod = new HashMap<>();
        for (WindowKey key : windows.keySet()) {
            endsByPeriod.computeIfAbsent(catalog.get(key.id).periodMs(), p -> new HashSet<>()).add(key.end);
        }
        Map<String, Set<String>> streetsByType = new HashMap<>();
        for (Asset asset : registry.allEntries()) { // every street an asset is in at some time
            streetsByType.computeIfAbsent(asset.type(), t -> new HashSet<>()).add(asset.street());
        }
        Set<Aggregation> zeroWhenEmpty = Set.of(Aggregation.COUNT, Aggregation.SUM, Aggregation.RATE);
        for (Indicator indicator : catalog.indicators()) {
            boolean windowed = indicator.source() == SourceKind.COUNTER || indicator.source() == SourceKind.EVENT;
            if (!windowed || !zeroWhenEmpty.contains(indicator.aggregation())) {
                continue;
            }
            Set<String> sourceTypes = new HashSet<>();
            for (AssetType type : types.all()) {
                if (type.name().equals(indicator.assetType())
                        || indicator.assetType() == null && type.events().containsKey(indicator.event())) {
                    sourceTypes.add(type.name());
                }
            }
            Set<String> registeredIn = new HashSet<>();
            for (String type : sourceTypes) {
                for (String street : streetsByType.getOrDefault(type, Set.of())) {
                    areasOf(indicator, street).forEach(a -> registeredIn.add(a.code()));
                }
            }
            for (long end : endsByPeriod.getOrDefault(indicator.periodMs(), Set.of())) {
                for (String area : registeredIn) {
                    out.putIfAbsent(new PointKey(indicator.id(), area, end), 0.0);
                }
            }
        }
    }

    // ---------------------------------------------------------------- derived

    /**
     * Formulas evaluated in passes over the catalog until a pass adds no point: a formula over
     * another formula gets its point in a later pass, whatever their order in the catalog.
     */
    private void derivedPoints(Map<PointKey, Double> out) {
        Set<String> percentiles = new HashSet<>();
        catalog.indicators().stream().filter(i -> i.aggregation().isPercentile()).forEach(i -> percentiles.add(i.id()));
        boolean added = true;
        while (added) {
            added = false;
            for (Indicator indicator : catalog.indicators()) {
                if (indicator.source() != SourceKind.DERIVED) {
                    continue;
                }
                ReferenceExpressions.Formula formula = cel.formula(indicator.formula());
                List<String> inputs = formula.inputs();
                if (inputs.isEmpty()) {
                    continue;
                }
                if (inputs.stream().anyMatch(percentiles::contains)) {
                    // The reference's percentiles are exact, the engine's approximate: a formula over one
                    // would need an error bound through the formula, which this reference does not derive.
                    throw new IllegalStateException(indicator.id() + " reads a percentile: not supported by the reference");
                }
                List<PointKey> candidates = new ArrayList<>();
                for (PointKey k : out.keySet()) {
                    if (k.id.equals(inputs.get(0)) && k.time % indicator.periodMs() == 0
                            && indicator.levels().contains(topology.level(k.area))
                            && !out.containsKey(new PointKey(indicator.id(), k.area, k.time))) {
                        candidates.add(k);
                    }
                }
                for (PointKey k : candidates) {
                    Map<String, Double> values = new HashMap<>();
                    for (String input : inputs) {
                        Double v = out.get(new PointKey(input, k.area, k.time));
                        if (v != null) {
                            values.put(input, v);
                        }
                    }
                    if (values.size() < inputs.size()) {
                        continue;
                    }
                    double v = ReferenceExpressions.evaluate(formula, values);
                    if (Double.isFinite(v)) {
                        out.put(new PointKey(indicator.id(), k.area, k.time), v);
                        added = true;
                    }
                }
            }
        }
    }

    /** {@code steps × resolution} in decimal, as the semantics prescribe for exact sums. */
    static double decimal(long steps, double resolution) {
        return BigDecimal.valueOf(steps).multiply(BigDecimal.valueOf(resolution)).doubleValue();
    }
}
