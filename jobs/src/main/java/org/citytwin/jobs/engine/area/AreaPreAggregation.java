package org.citytwin.jobs.engine.area;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
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

/**
 * The first phase of the area aggregation, chained to the twins: adds up, on the heap, what the
 * twins of this subtask contribute to each area (street, district, city: each change is added to
 * its street, and a street's sums to its district and the city when the bucket is sent) per tick
 * of the gauge (gauge changes: the area reads a gauge only at its own ticks) and per window end
 * (window items), and sends one partial per area and bucket instead of one record per event and
 * area. A bucket is sent when the watermark passes it (before the
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
    /** Each area's areas (numbers), itself first, then its ancestors. */
    private transient int[][] chains;
    /** By group, then area number: whether the group is computed in the area or one of its ancestors. */
    private transient boolean[][] inChain;
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
        chains = new int[areas.length][];
        for (int a = 0; a < areas.length; a++) {
            chains[a] = plan.topology().ancestorsAndSelf(areas[a].code()).stream()
                    .mapToInt(area -> areaNumbers.get(area.code())).toArray();
        }
        inChain = new boolean[index.groupCount()][areas.length];
        for (int group = 0; group < inChain.length; group++) {
            for (int a = 0; a < areas.length; a++) {
                inChain[group][a] = computedInChain(index.groupSource(group), a);
            }
        }
        gauges = new Buckets<>(areas.length, index.groupCount(), GaugeAccumulator[]::new);
        windows = new Buckets<>(areas.length, index.groupCount(), WindowAccumulator[]::new);
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<Contribution> element) {
        Contribution c = element.getValue();
        Integer area = areaNumbers.get(c.street());
        if (area == null) {
            throw new IllegalStateException("unknown area code " + c.street());
        }
        if (c instanceof GaugeChanges changes) {
            addGauges(changes, area);
        } else {
            addWindowItems((WindowItems) c, area);
        }
        // A late contribution (its bucket is already behind the watermark) goes on at once.
        flushGaugesUpTo(watermark);
        flushWindowsUpTo(watermark);
    }

    /**
     * Adds gauge changes to the bucket of their group's tick end, in the contribution's own area
     * only (its ancestors get the bucket's sums when it is sent, {@link #rollUp}): the area reads a
     * gauge only at its ticks, so the changes of a 5 or 15 min gauge are one partial per tick, not
     * one per base tick.
     */
    private void addGauges(GaugeChanges c, int area) {
        long period = 0;
        Bucket<GaugeAccumulator> bucket = null;
        for (int i = 0; i < c.groups().length; i++) {
            int group = c.groups()[i];
            if (!inChain[group][area]) {
                continue;
            }
            long groupPeriod = index.groupSource(group).periodMs();
            if (groupPeriod != period) { // the groups of one period share their bucket
                period = groupPeriod;
                bucket = gauges.bucket(PlanIndex.tickEnd(c.time(), period), area);
            }
            GaugeAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new GaugeAccumulator());
            }
            acc.change(c.oldParts()[i], c.newParts()[i], c.flags()[i], index.keepsValues(group));
        }
    }

    /** Adds an event's window items to their window's bucket, in the contribution's own area only. */
    private void addWindowItems(WindowItems c, int area) {
        long period = 0;
        Bucket<WindowAccumulator> bucket = null;
        for (int i = 0; i < c.groups().length; i++) {
            int group = c.groups()[i];
            if (!inChain[group][area]) {
                continue;
            }
            CompiledIndicator source = index.groupSource(group);
            if (source.periodMs() != period) { // the groups of one period share their bucket
                period = source.periodMs();
                bucket = windows.bucket(PlanIndex.windowEnd(c.time(), period), area);
            }
            WindowAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new WindowAccumulator());
            }
            acc.add(c.values()[i], index.keepsLabels(group) ? c.labels()[i] : null, index.keepsSketch(group),
                    source.resolution());
        }
    }

    /** Whether the group is computed in the area or one of its ancestors. */
    private boolean computedInChain(CompiledIndicator source, int area) {
        for (int level : chains[area]) {
            if (index.computedAt(source.slot(), areas[level].level())) {
                return true;
            }
        }
        return false;
    }

    /**
     * What each area gets from a bucket: the accumulators of every area that has changes of its
     * own (a street) go to itself and to each ancestor, for the groups computed at that level.
     * An area's own accumulator is handed on as it is after it has been added to its ancestors; the
     * ancestors' are new, so nothing is added twice whatever the order.
     */
    private <A> Bucket<A>[] rollUp(Bucket<A>[] own, IntFunction<A[]> newAccumulators, Supplier<A> newAccumulator,
            BiConsumer<A, A> merge) {
        @SuppressWarnings("unchecked")
        Bucket<A>[] out = (Bucket<A>[]) new Bucket[own.length];
        for (int area = 0; area < own.length; area++) {
            if (own[area] == null) {
                continue;
            }
            int[] chain = chains[area];
            for (int group : own[area].groups()) {
                int slot = index.groupSource(group).slot();
                A acc = own[area].byGroup[group];
                for (int k = chain.length - 1; k >= 0; k--) { // ancestors first, the area itself last
                    int target = chain[k];
                    if (!index.computedAt(slot, areas[target].level())) {
                        continue;
                    }
                    if (out[target] == null) {
                        out[target] = new Bucket<>(newAccumulators.apply(index.groupCount()));
                    }
                    A into = out[target].byGroup[group];
                    if (into == null) {
                        out[target].open(group, k == 0 ? acc : newAccumulator.get());
                        if (k == 0) {
                            continue;
                        }
                        into = out[target].byGroup[group];
                    }
                    merge.accept(into, acc);
                }
            }
        }
        return out;
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
            Bucket<GaugeAccumulator>[] byArea = rollUp(gauges.pollFirst(), GaugeAccumulator[]::new,
                    GaugeAccumulator::new, GaugeAccumulator::merge);
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
            Bucket<WindowAccumulator>[] byArea = rollUp(windows.pollFirst(), WindowAccumulator[]::new,
                    WindowAccumulator::new, WindowAccumulator::merge);
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
