package org.citytwin.jobs.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.citytwin.model.catalog.Aggregation;
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
 */
final class AreaPreAggregation extends AbstractStreamOperator<GaugePartial>
        implements OneInputStreamOperator<Contribution, GaugePartial> {

    private static final long serialVersionUID = 1L;

    /** Where the window partials go (the gauge partials are the main output). */
    static final OutputTag<WindowPartial> WINDOWS = new OutputTag<>("window-partials",
            TypeInformation.of(WindowPartial.class));

    private final EvaluationPlan plan;
    private transient PlanIndex index;
    /** Gauge changes by tick end, then area. */
    private transient TreeMap<Long, Map<String, Bucket<GaugeAccumulator>>> gauges;
    /** Window items by window end, then area. */
    private transient TreeMap<Long, Map<String, Bucket<WindowAccumulator>>> windows;
    /** A street's areas, street first. */
    private transient Map<String, Area[]> areasOf;
    private transient long watermark;

    AreaPreAggregation(EvaluationPlan plan) {
        this.plan = plan;
    }

    @Override
    public void open() throws Exception {
        super.open();
        index = new PlanIndex(plan);
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
        for (int i = 0; i < c.slots.length; i++) {
            int slot = c.slots[i];
            if (!index.computedAt(slot, area.level())) {
                continue;
            }
            if (bucket == null) {
                bucket = gauges.computeIfAbsent(PlanIndex.tickEnd(c.time, index.baseTickMs()), t -> new HashMap<>())
                        .computeIfAbsent(area.code(), a -> new Bucket<>(new GaugeAccumulator[plan.size()]));
            }
            GaugeAccumulator acc = bucket.bySlot[slot];
            if (acc == null) {
                acc = bucket.open(slot, new GaugeAccumulator());
            }
            Aggregation aggregation = plan.slot(slot).aggregation();
            acc.change(c.oldValues[i], c.newValues[i], c.flags[i],
                    aggregation == Aggregation.MIN || aggregation == Aggregation.MAX);
        }
    }

    private void addWindowItems(Contribution c, Area area) {
        for (int i = 0; i < c.slots.length; i++) {
            int slot = c.slots[i];
            if (!index.computedAt(slot, area.level())) {
                continue;
            }
            CompiledIndicator indicator = plan.slot(slot);
            Bucket<WindowAccumulator> bucket = windows
                    .computeIfAbsent(PlanIndex.windowEnd(c.time, indicator.periodMs()), t -> new HashMap<>())
                    .computeIfAbsent(area.code(), a -> new Bucket<>(new WindowAccumulator[plan.size()]));
            WindowAccumulator acc = bucket.bySlot[slot];
            if (acc == null) {
                acc = bucket.open(slot, new WindowAccumulator());
            }
            acc.add(c.newValues[i], c.labels[i], indicator.aggregation(), indicator.resolution());
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
                int[] slots = area.getValue().slots();
                GaugeAccumulator[] changes = new GaugeAccumulator[slots.length];
                for (int k = 0; k < slots.length; k++) {
                    changes[k] = area.getValue().bySlot[slots[k]];
                }
                output.collect(new StreamRecord<>(new GaugePartial(area.getKey(), due.getKey(), slots, changes)));
            }
        }
    }

    /** Sends the window partials of the windows whose last millisecond is at or before {@code time}. */
    private void flushWindowsUpTo(long time) {
        while (!windows.isEmpty() && (time == Long.MAX_VALUE || windows.firstKey() - 1 <= time)) {
            Map.Entry<Long, Map<String, Bucket<WindowAccumulator>>> due = windows.pollFirstEntry();
            for (Map.Entry<String, Bucket<WindowAccumulator>> area : due.getValue().entrySet()) {
                int[] slots = area.getValue().slots();
                WindowAccumulator[] items = new WindowAccumulator[slots.length];
                for (int k = 0; k < slots.length; k++) {
                    items[k] = area.getValue().bySlot[slots[k]].seal();
                }
                output.collect(WINDOWS, new StreamRecord<>(new WindowPartial(area.getKey(), due.getKey(), slots, items)));
            }
        }
    }

    /** The accumulators of one area in one bucket, by slot, and which slots are in use. */
    private static final class Bucket<A> {
        final A[] bySlot;
        private int[] used = new int[8];
        private int count;

        Bucket(A[] bySlot) {
            this.bySlot = bySlot;
        }

        A open(int slot, A accumulator) {
            bySlot[slot] = accumulator;
            if (count == used.length) {
                used = Arrays.copyOf(used, count * 2);
            }
            used[count++] = slot;
            return accumulator;
        }

        /** The slots in use, ascending. */
        int[] slots() {
            int[] slots = Arrays.copyOf(used, count);
            Arrays.sort(slots);
            return slots;
        }
    }
}
