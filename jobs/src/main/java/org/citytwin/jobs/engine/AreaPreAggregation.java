package org.citytwin.jobs.engine;

import java.util.Iterator;
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
    /** Gauge changes by tick end, then area, then slot. */
    private transient TreeMap<Long, Map<String, TreeMap<Integer, GaugeAccumulator>>> gauges;
    /** Window items by window end, then area, then slot. */
    private transient TreeMap<Long, Map<String, TreeMap<Integer, WindowAccumulator>>> windows;
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
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void processElement(StreamRecord<Contribution> element) {
        Contribution c = element.getValue();
        for (Area area : plan.topology().ancestorsAndSelf(c.area)) {
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
        TreeMap<Integer, GaugeAccumulator> bucket = null;
        for (int i = 0; i < c.slots.length; i++) {
            int slot = c.slots[i];
            if (!index.computedAt(slot, area.level())) {
                continue;
            }
            if (bucket == null) {
                bucket = gauges.computeIfAbsent(PlanIndex.tickEnd(c.time, index.baseTickMs()), t -> new java.util.HashMap<>())
                        .computeIfAbsent(area.code(), a -> new TreeMap<>());
            }
            Aggregation aggregation = plan.slot(slot).aggregation();
            bucket.computeIfAbsent(slot, s -> new GaugeAccumulator()).change(c.oldValues[i], c.newValues[i], c.flags[i],
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
            windows.computeIfAbsent(PlanIndex.windowEnd(c.time, indicator.periodMs()), t -> new java.util.HashMap<>())
                    .computeIfAbsent(area.code(), a -> new TreeMap<>())
                    .computeIfAbsent(slot, s -> new WindowAccumulator())
                    .add(c.newValues[i], c.labels[i], indicator.aggregation(), indicator.resolution());
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
            Map.Entry<Long, Map<String, TreeMap<Integer, GaugeAccumulator>>> due = gauges.pollFirstEntry();
            for (Map.Entry<String, TreeMap<Integer, GaugeAccumulator>> area : due.getValue().entrySet()) {
                int[] slots = new int[area.getValue().size()];
                GaugeAccumulator[] changes = new GaugeAccumulator[slots.length];
                int k = 0;
                for (Map.Entry<Integer, GaugeAccumulator> slot : area.getValue().entrySet()) {
                    slots[k] = slot.getKey();
                    changes[k++] = slot.getValue();
                }
                output.collect(new StreamRecord<>(new GaugePartial(area.getKey(), due.getKey(), slots, changes)));
            }
        }
    }

    /** Sends the window partials of the windows whose last millisecond is at or before {@code time}. */
    private void flushWindowsUpTo(long time) {
        Iterator<Map.Entry<Long, Map<String, TreeMap<Integer, WindowAccumulator>>>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, Map<String, TreeMap<Integer, WindowAccumulator>>> due = it.next();
            if (time != Long.MAX_VALUE && due.getKey() - 1 > time) {
                return;
            }
            it.remove();
            for (Map.Entry<String, TreeMap<Integer, WindowAccumulator>> area : due.getValue().entrySet()) {
                int[] slots = new int[area.getValue().size()];
                WindowAccumulator[] items = new WindowAccumulator[slots.length];
                int k = 0;
                for (Map.Entry<Integer, WindowAccumulator> slot : area.getValue().entrySet()) {
                    slots[k] = slot.getKey();
                    items[k++] = slot.getValue().seal();
                }
                output.collect(WINDOWS, new StreamRecord<>(new WindowPartial(area.getKey(), due.getKey(), slots, items)));
            }
        }
    }
}
