package org.citytwin.jobs.engine.area;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.twin.Contribution;
import org.citytwin.jobs.engine.twin.GaugeChanges;
import org.citytwin.jobs.engine.twin.WindowItems;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.AreaLevel;

/**
 * The first phase of the area aggregation, chained to the twins: adds up, on the heap, what the
 * twins of this subtask contribute to each area (street, district, city) per tick of the gauge
 * (gauge changes: the area reads a gauge only at its own ticks) and per window end (window items), and sends one partial per area and bucket instead
 * of one record per event and area. A bucket is sent when the watermark passes it (before the
 * watermark itself, so the area has every partial of a tick when its timer fires), at once when
 * it is already behind the watermark (a late item), before each checkpoint barrier (so the
 * operator has no state of its own) and at the end of input — as Flink SQL's local/global
 * aggregation does. Partials combine exactly (fixed-point sums, counts, value multisets, label
 * sets, sketch bins), so the points do not depend on when a bucket is sent.
 *
 * <p>A window end with items of some window period is sent with empty accumulators for the
 * counting groups of that period in every area where their source assets are registered
 * ({@link ZeroWindows}), so the area writes those windows as 0 where nothing happened. Every
 * subtask with items at that end does so, once; empty accumulators merge to nothing.
 */
public final class AreaPreAggregation extends AbstractStreamOperator<GaugePartial>
        implements OneInputStreamOperator<Contribution, GaugePartial> {

    private static final long serialVersionUID = 1L;

    /** Where the window partials go (the gauge partials are the main output). */
    public static final OutputTag<WindowPartial> WINDOWS = new OutputTag<>("window-partials",
            AreaStateSerializers.WINDOW_PARTIALS);

    private final EvaluationPlan plan;
    private final RegistryRef registry;
    private final long allowedLatenessMs;
    private transient PlanIndex index;
    private transient ZeroWindows zeroWindows;
    /** Window end → the periods whose zero windows this subtask sent for it. */
    private transient TreeMap<Long, Set<Long>> zeroFilled;
    /** The city's areas, numbered: buckets are arrays indexed by area. */
    private transient Area[] areas;
    private transient Map<String, Integer> areaNumbers;
    /** A street's areas (numbers), street first. */
    private transient Map<String, int[]> areasOf;
    /** Gauge changes by tick end, then area number. */
    private transient Buckets<GaugeAccumulator> gauges;
    /** Window items by window end, then area number. */
    private transient Buckets<WindowAccumulator> windows;
    private transient long watermark;

    public AreaPreAggregation(EvaluationPlan plan, RegistryRef registry, long allowedLatenessMs) {
        this.plan = plan;
        this.registry = registry;
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        index = new PlanIndex(plan);
        zeroWindows = new ZeroWindows(plan, index, registry.resolve());
        zeroFilled = new TreeMap<>();
        areas = plan.topology().all().toArray(new Area[0]);
        areaNumbers = new HashMap<>();
        for (int a = 0; a < areas.length; a++) {
            areaNumbers.put(areas[a].code(), a);
        }
        areasOf = new HashMap<>();
        gauges = new Buckets<>(areas.length, index.groupCount(), GaugeAccumulator[]::new);
        windows = new Buckets<>(areas.length, index.groupCount(), WindowAccumulator[]::new);
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<Contribution> element) {
        Contribution c = element.getValue();
        int[] numbers = areasOf.computeIfAbsent(c.street(), street -> plan.topology().ancestorsAndSelf(street).stream()
                .mapToInt(area -> areaNumbers.get(area.code())).toArray());
        for (int area : numbers) {
            if (c instanceof GaugeChanges changes) {
                addGauges(changes, area);
            } else {
                addWindowItems((WindowItems) c, area);
            }
        }
        // A late contribution (its bucket is already behind the watermark) goes on at once.
        flushGaugesUpTo(watermark);
        flushWindowsUpTo(watermark);
    }

    /**
     * Adds gauge changes to the bucket of their group's tick end: the area reads a gauge only at
     * its ticks, so the changes of a 5 or 15 min gauge are one partial per tick, not one per base tick.
     */
    private void addGauges(GaugeChanges c, int area) {
        AreaLevel level = areas[area].level();
        for (int i = 0; i < c.groups().length; i++) {
            int group = c.groups()[i];
            CompiledIndicator source = index.groupSource(group);
            if (!index.computedAt(source.slot(), level)) {
                continue;
            }
            Bucket<GaugeAccumulator> bucket = gauges.bucket(PlanIndex.tickEnd(c.time(), source.periodMs()), area);
            GaugeAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new GaugeAccumulator());
            }
            acc.change(c.oldParts()[i], c.newParts()[i], c.flags()[i], index.keepsValues(group));
        }
    }

    private void addWindowItems(WindowItems c, int area) {
        AreaLevel level = areas[area].level();
        for (int i = 0; i < c.groups().length; i++) {
            int group = c.groups()[i];
            CompiledIndicator source = index.groupSource(group);
            if (!index.computedAt(source.slot(), level)) {
                continue;
            }
            Bucket<WindowAccumulator> bucket = windows.bucket(PlanIndex.windowEnd(c.time(), source.periodMs()), area);
            WindowAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new WindowAccumulator());
            }
            acc.add(c.values()[i], index.keepsLabels(group) ? c.labels()[i] : null, index.keepsSketch(group),
                    source.resolution());
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        flushGaugesUpTo(watermark);
        flushWindowsUpTo(watermark);
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushGaugesUpTo(Long.MAX_VALUE);
        flushWindowsUpTo(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flushGaugesUpTo(Long.MAX_VALUE);
        flushWindowsUpTo(Long.MAX_VALUE);
        super.finish();
    }

    /** Sends the gauge partials of the ticks ending at or before {@code time}. */
    private void flushGaugesUpTo(long time) {
        while (gauges.firstEndAtOrBefore(time)) {
            long tick = gauges.firstEnd();
            Bucket<GaugeAccumulator>[] byArea = gauges.pollFirst();
            for (int area = 0; area < byArea.length; area++) {
                if (byArea[area] == null) {
                    continue;
                }
                int[] groups = byArea[area].groups();
                GaugeAccumulator[] changes = new GaugeAccumulator[groups.length];
                for (int k = 0; k < groups.length; k++) {
                    changes[k] = byArea[area].byGroup[groups[k]].seal();
                }
                output.collect(new StreamRecord<>(new GaugePartial(areas[area].code(), tick, groups, changes)));
            }
        }
    }

    /** Sends the window partials of the windows whose last millisecond is at or before {@code time}. */
    private void flushWindowsUpTo(long time) {
        while (windows.firstEndAtOrBefore(time == Long.MAX_VALUE ? time : time + 1)) {
            long end = windows.firstEnd();
            Bucket<WindowAccumulator>[] byArea = windows.pollFirst();
            addZeroWindows(end, byArea);
            for (int area = 0; area < byArea.length; area++) {
                if (byArea[area] == null) {
                    continue;
                }
                int[] groups = byArea[area].groups();
                WindowAccumulator[] items = new WindowAccumulator[groups.length];
                for (int k = 0; k < groups.length; k++) {
                    items[k] = byArea[area].byGroup[groups[k]].seal();
                }
                output.collect(WINDOWS, new StreamRecord<>(new WindowPartial(areas[area].code(), end, groups, items)));
            }
        }
    }

    /**
     * Adds empty accumulators for the counting groups registered in each area, for every period
     * that has items at this window end and was not filled here before.
     */
    private void addZeroWindows(long end, Bucket<WindowAccumulator>[] byArea) {
        if (watermark != Long.MIN_VALUE) {
            zeroFilled.headMap(watermark - allowedLatenessMs).clear(); // no item can reach those windows now
        }
        Set<Long> filled = zeroFilled.computeIfAbsent(end, e -> new HashSet<>());
        Set<Long> periods = new HashSet<>();
        for (Bucket<WindowAccumulator> bucket : byArea) {
            if (bucket == null) {
                continue;
            }
            for (int group : bucket.groups()) {
                long period = index.groupSource(group).periodMs();
                if (!filled.contains(period)) {
                    periods.add(period);
                }
            }
        }
        for (long period : periods) {
            filled.add(period);
            zeroWindows.areas(period).forEach((code, groups) -> {
                int area = areaNumbers.get(code);
                if (byArea[area] == null) {
                    byArea[area] = new Bucket<>(new WindowAccumulator[index.groupCount()]);
                }
                for (int group : groups) {
                    if (byArea[area].byGroup[group] == null) {
                        byArea[area].open(group, new WindowAccumulator());
                    }
                }
            });
        }
    }

    /**
     * Buckets by end time (tick or window end), each an array by area number; the few ends used
     * last are kept at hand, since consecutive contributions mostly fall in the same ones (one per
     * period).
     */
    private static final class Buckets<A> {
        private static final int RECENT = 4;
        private final TreeMap<Long, Bucket<A>[]> byEnd = new TreeMap<>();
        private final int areaCount;
        private final int groupCount;
        private final IntFunction<A[]> newAccumulators;
        private final long[] recentEnds = new long[RECENT];
        @SuppressWarnings("unchecked")
        private final Bucket<A>[][] recent = new Bucket[RECENT][];
        private int nextRecent;

        Buckets(int areaCount, int groupCount, IntFunction<A[]> newAccumulators) {
            this.areaCount = areaCount;
            this.groupCount = groupCount;
            this.newAccumulators = newAccumulators;
        }

        Bucket<A> bucket(long end, int area) {
            Bucket<A>[] byArea = byArea(end);
            Bucket<A> bucket = byArea[area];
            if (bucket == null) {
                bucket = new Bucket<>(newAccumulators.apply(groupCount));
                byArea[area] = bucket;
            }
            return bucket;
        }

        @SuppressWarnings("unchecked")
        private Bucket<A>[] byArea(long end) {
            for (int r = 0; r < RECENT; r++) {
                if (recent[r] != null && recentEnds[r] == end) {
                    return recent[r];
                }
            }
            Bucket<A>[] byArea = byEnd.computeIfAbsent(end, e -> (Bucket<A>[]) new Bucket[areaCount]);
            recentEnds[nextRecent] = end;
            recent[nextRecent] = byArea;
            nextRecent = (nextRecent + 1) % RECENT;
            return byArea;
        }

        /** Whether there is a bucket ending at or before {@code time}. */
        boolean firstEndAtOrBefore(long time) {
            return !byEnd.isEmpty() && byEnd.firstKey() <= time;
        }

        long firstEnd() {
            return byEnd.firstKey();
        }

        Bucket<A>[] pollFirst() {
            Map.Entry<Long, Bucket<A>[]> first = byEnd.pollFirstEntry();
            for (int r = 0; r < RECENT; r++) {
                if (recent[r] == first.getValue()) {
                    recent[r] = null;
                }
            }
            return first.getValue();
        }
    }

    /** The accumulators of one area in one bucket, by group, and which groups are in use. */
    private static final class Bucket<A> {
        final A[] byGroup;
        private int[] used = new int[8];
        private int count;

        Bucket(A[] byGroup) {
            this.byGroup = byGroup;
        }

        A open(int group, A accumulator) {
            byGroup[group] = accumulator;
            if (count == used.length) {
                used = Arrays.copyOf(used, count * 2);
            }
            used[count++] = group;
            return accumulator;
        }

        /** The groups in use, ascending. */
        int[] groups() {
            int[] groups = Arrays.copyOf(used, count);
            Arrays.sort(groups);
            return groups;
        }
    }
}
