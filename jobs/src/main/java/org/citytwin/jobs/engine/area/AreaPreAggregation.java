package org.citytwin.jobs.engine.area;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.PlanIndex;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.twin.Contribution;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.Area;

/**
 * The first phase of the area aggregation, chained to the twins: adds up, on the heap, what the
 * twins of this subtask contribute to each area (street, district, city) per base tick (gauge
 * changes) and per window end (window items), and sends one partial per area and bucket instead
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
    /** Gauge changes by tick end, then area. */
    private transient TreeMap<Long, Map<String, Bucket<GaugeAccumulator>>> gauges;
    /** Window items by window end, then area. */
    private transient TreeMap<Long, Map<String, Bucket<WindowAccumulator>>> windows;
    /** A street's areas, street first. */
    private transient Map<String, Area[]> areasOf;
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
        gauges = new TreeMap<>();
        windows = new TreeMap<>();
        areasOf = new HashMap<>();
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<Contribution> element) {
        Contribution c = element.getValue();
        Area[] areas = areasOf.computeIfAbsent(c.area, street -> plan.topology().ancestorsAndSelf(street).toArray(new Area[0]));
        for (Area area : areas) {
            if (c.gauge) {
                addGauges(c, area);
            } else {
                addWindowItems(c, area);
            }
        }
        // A late contribution (its bucket is already behind the watermark) goes on at once.
        flushGaugesUpTo(watermark);
        flushWindowsUpTo(watermark);
    }

    private void addGauges(Contribution c, Area area) {
        Bucket<GaugeAccumulator> bucket = null;
        for (int i = 0; i < c.groups.length; i++) {
            int group = c.groups[i];
            if (!index.computedAt(index.groupSource(group).slot(), area.level())) {
                continue;
            }
            if (bucket == null) {
                bucket = gauges.computeIfAbsent(PlanIndex.tickEnd(c.time, index.baseTickMs()), t -> new HashMap<>())
                        .computeIfAbsent(area.code(), a -> new Bucket<>(new GaugeAccumulator[index.groupCount()]));
            }
            GaugeAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new GaugeAccumulator());
            }
            acc.change(c.oldValues[i], c.newValues[i], c.flags[i], index.keepsValues(group));
        }
    }

    private void addWindowItems(Contribution c, Area area) {
        for (int i = 0; i < c.groups.length; i++) {
            int group = c.groups[i];
            CompiledIndicator source = index.groupSource(group);
            if (!index.computedAt(source.slot(), area.level())) {
                continue;
            }
            Bucket<WindowAccumulator> bucket = windows
                    .computeIfAbsent(PlanIndex.windowEnd(c.time, source.periodMs()), t -> new HashMap<>())
                    .computeIfAbsent(area.code(), a -> new Bucket<>(new WindowAccumulator[index.groupCount()]));
            WindowAccumulator acc = bucket.byGroup[group];
            if (acc == null) {
                acc = bucket.open(group, new WindowAccumulator());
            }
            acc.add(c.newValues[i], index.keepsLabels(group) ? c.labels[i] : null, index.keepsSketch(group),
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
        while (!gauges.isEmpty() && gauges.firstKey() <= time) {
            Map.Entry<Long, Map<String, Bucket<GaugeAccumulator>>> due = gauges.pollFirstEntry();
            for (Map.Entry<String, Bucket<GaugeAccumulator>> area : due.getValue().entrySet()) {
                int[] groups = area.getValue().groups();
                GaugeAccumulator[] changes = new GaugeAccumulator[groups.length];
                for (int k = 0; k < groups.length; k++) {
                    changes[k] = area.getValue().byGroup[groups[k]];
                }
                output.collect(new StreamRecord<>(new GaugePartial(area.getKey(), due.getKey(), groups, changes)));
            }
        }
    }

    /** Sends the window partials of the windows whose last millisecond is at or before {@code time}. */
    private void flushWindowsUpTo(long time) {
        while (!windows.isEmpty() && (time == Long.MAX_VALUE || windows.firstKey() - 1 <= time)) {
            Map.Entry<Long, Map<String, Bucket<WindowAccumulator>>> due = windows.pollFirstEntry();
            addZeroWindows(due.getKey(), due.getValue());
            for (Map.Entry<String, Bucket<WindowAccumulator>> area : due.getValue().entrySet()) {
                int[] groups = area.getValue().groups();
                WindowAccumulator[] items = new WindowAccumulator[groups.length];
                for (int k = 0; k < groups.length; k++) {
                    items[k] = area.getValue().byGroup[groups[k]].seal();
                }
                output.collect(WINDOWS, new StreamRecord<>(new WindowPartial(area.getKey(), due.getKey(), groups, items)));
            }
        }
    }

    /**
     * Adds empty accumulators for the counting groups registered in each area, for every period
     * that has items at this window end and was not filled here before.
     */
    private void addZeroWindows(long end, Map<String, Bucket<WindowAccumulator>> byArea) {
        if (watermark != Long.MIN_VALUE) {
            zeroFilled.headMap(watermark - allowedLatenessMs).clear(); // no item can reach those windows now
        }
        Set<Long> filled = zeroFilled.computeIfAbsent(end, e -> new HashSet<>());
        Set<Long> periods = new HashSet<>();
        for (Bucket<WindowAccumulator> bucket : byArea.values()) {
            for (int group : bucket.groups()) {
                long period = index.groupSource(group).periodMs();
                if (!filled.contains(period)) {
                    periods.add(period);
                }
            }
        }
        for (long period : periods) {
            filled.add(period);
            zeroWindows.areas(period).forEach((area, groups) -> {
                Bucket<WindowAccumulator> bucket = byArea.computeIfAbsent(area,
                        a -> new Bucket<>(new WindowAccumulator[index.groupCount()]));
                for (int group : groups) {
                    if (bucket.byGroup[group] == null) {
                        bucket.open(group, new WindowAccumulator());
                    }
                }
            });
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
