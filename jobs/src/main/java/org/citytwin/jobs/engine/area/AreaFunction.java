package org.citytwin.jobs.engine.area;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.engine.metrics.EngineCounters;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;
import org.citytwin.model.asset.FixedPoint;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.AreaLevel;

/**
 * The indicators of one area (keyed by area code), the second phase of the aggregation: it
 * combines the partials of the pre-aggregation ({@link AreaPreAggregation}), one accumulator per
 * accumulator group ({@link PlanIndex}). Gauge partials wait for the watermark to pass their base
 * tick, so a gauge point at tick T reflects exactly the changes effective up to T; a gauge is
 * written at its tick when something changed in that tick. Window partials go straight into their
 * window, which is written once the watermark passes its end and re-written, same timestamp, for
 * items arriving within the allowed lateness; a window without items, sent by the pre-aggregation
 * where the source assets are registered, is written as 0 for its counts, sums and rates. Derived indicators are evaluated at T from the
 * points written at T, once all their inputs are there. Its state is on the heap between
 * checkpoints; {@link AreaOperator} writes it to keyed state before each barrier.
 */
public final class AreaFunction extends KeyedCoProcessFunction<String, GaugePartial, WindowPartial, IndicatorPoint>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final EvaluationPlan plan;
    private final long allowedLatenessMs;
    private final String run;
    private final EngineSampleWriter samples;

    private transient PlanIndex index;
    private transient EngineCounters counters;
    /**
     * Per accumulator group; due ticks and ending windows list groups, written values are per slot.
     * On the heap between checkpoints ({@link #writeBack}), in keyed state at them.
     */
    private transient HeapMapState<Integer, GaugeAccumulator> gauges;
    /** Gauge partials waiting for the watermark. */
    private transient HeapListState<GaugePartial> pendingGauges;
    private transient HeapMapState<Long, int[]> gaugesDue;
    private transient HeapMapState<Long, WindowAccumulator> windows;
    private transient HeapMapState<Long, int[]> windowsEnding;
    private transient HeapMapState<Long, PointValues> written;
    /** The area of the record or timer at hand: the heap states' current key. */
    private transient String area;

    public AreaFunction(EvaluationPlan plan, long allowedLatenessMs, String run, EngineSampleWriter samples) {
        this.samples = samples;
        this.plan = plan;
        this.allowedLatenessMs = allowedLatenessMs;
        this.run = run;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = EngineCounters.restore(context, "areas", run);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot();
    }

    @Override
    public void close() throws Exception {
        if (counters != null) { // null when the task is cancelled before its state was initialized
            counters.close();
        }
    }

    @Override
    public void open(OpenContext context) {
        index = new PlanIndex(plan);
        counters.open(getRuntimeContext(), samples);
        gauges = onHeap(new MapStateDescriptor<>("gauges", IntSerializer.INSTANCE, AreaStateSerializers.Gauges.INSTANCE));
        pendingGauges = new HeapListState<>(getRuntimeContext().getListState(new ListStateDescriptor<>("pendingGauges",
                AreaStateSerializers.GaugePartials.INSTANCE)), () -> area);
        gaugesDue = onHeap(new MapStateDescriptor<>("gaugesDue", Types.LONG, TypeInformation.of(int[].class)));
        windows = onHeap(new MapStateDescriptor<>("windows", LongSerializer.INSTANCE, AreaStateSerializers.Windows.INSTANCE));
        windowsEnding = onHeap(new MapStateDescriptor<>("windowsEnding", Types.LONG, TypeInformation.of(int[].class)));
        written = onHeap(new MapStateDescriptor<>("written", LongSerializer.INSTANCE, AreaStateSerializers.Written.INSTANCE));
    }

    private <K, V> HeapMapState<K, V> onHeap(MapStateDescriptor<K, V> descriptor) {
        return new HeapMapState<>(getRuntimeContext().getMapState(descriptor), () -> area);
    }

    /**
     * Writes what changed on the heap to keyed state ({@link AreaOperator}, before each checkpoint
     * barrier); the heap keeps it only when {@code keep} (a backend that stores a copy).
     */
    /** The entries of the states on the heap. */
    int entriesOnHeap() {
        return gauges.size() + pendingGauges.size() + gaugesDue.size() + windows.size() + windowsEnding.size()
                + written.size();
    }

    void writeBack(Consumer<String> setCurrentKey, boolean keep) throws Exception {
        gauges.writeBack(setCurrentKey, keep);
        pendingGauges.writeBack(setCurrentKey, keep);
        gaugesDue.writeBack(setCurrentKey, keep);
        windows.writeBack(setCurrentKey, keep);
        windowsEnding.writeBack(setCurrentKey, keep);
        written.writeBack(setCurrentKey, keep);
    }

    @Override
    public void processElement1(GaugePartial partial, Context ctx, Collector<IndicatorPoint> out) throws Exception {
        area = ctx.getCurrentKey();
        pendingGauges.add(partial);
        ctx.timerService().registerEventTimeTimer(partial.tick);
    }

    @Override
    public void processElement2(WindowPartial partial, Context ctx, Collector<IndicatorPoint> out) throws Exception {
        area = ctx.getCurrentKey();
        long watermark = ctx.timerService().currentWatermark();
        long end = partial.end;
        if (end - 1 > watermark) {
            // The window is written when the watermark passes its end. After a restore the watermark
            // starts again from nothing, and an item replayed before it comes back may belong to a
            // window written before the checkpoint, whose timer has fired: so every partial registers
            // the timer, not only a window's first (the same timer twice is one), and the window is
            // written again, corrected.
            ctx.timerService().registerEventTimeTimer(end - 1);
        }
        for (int i = 0; i < partial.groups.length; i++) {
            int group = partial.groups[i];
            long key = groupTimeKey(group, end);
            WindowAccumulator acc = windows.get(key);
            if (acc == null) {
                acc = new WindowAccumulator();
                int[] ending = windowsEnding.get(end);
                int[] next = ending == null ? new int[1] : java.util.Arrays.copyOf(ending, ending.length + 1);
                next[next.length - 1] = group;
                windowsEnding.put(end, next);
                ctx.timerService().registerEventTimeTimer(end - 1);
                ctx.timerService().registerEventTimeTimer(end - 1 + allowedLatenessMs);
            }
            acc.merge(partial.items[i]);
            windows.put(key, acc); // the state serializer writes the sketch's bytes
            if (end - 1 <= watermark) {
                // Late items: correct the written window in place, and what derives from it.
                PointValues values = writtenAt(end);
                emitWindow(ctx.getCurrentKey(), group, end, acc, values, out);
                if (end <= watermark) {
                    evaluateDerived(ctx.getCurrentKey(), end, values, index.groupDependents(group), out);
                }
                written.put(end, values);
            }
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<IndicatorPoint> out) throws Exception {
        area = ctx.getCurrentKey();
        int[] ending = windowsEnding.get(time + 1);
        if (ending != null) {
            long end = time + 1;
            PointValues values = writtenAt(end);
            for (int group : ending) {
                emitWindow(area, group, end, windows.get(groupTimeKey(group, end)), values, out);
            }
            written.put(end, values);
            ctx.timerService().registerEventTimeTimer(end);
            ctx.timerService().registerEventTimeTimer(end + allowedLatenessMs);
        }
        // Gauges: this tick's partials, then every group due now; each accumulator read and written once.
        Map<Integer, GaugeAccumulator> dirty = new HashMap<>();
        List<Integer> due = new ArrayList<>();
        if (time % index.baseTickMs() == 0) {
            applyGauges(time, ctx, dirty, due);
        }
        int[] dueSinceEarlier = gaugesDue.get(time);
        if (dueSinceEarlier != null) {
            gaugesDue.remove(time);
            for (int group : dueSinceEarlier) {
                due.add(group);
            }
        }
        PointValues values = written.get(time);
        if (!due.isEmpty()) {
            values = values == null ? PointValues.empty() : values;
            emitGauges(area, time, due, dirty, values, out);
            ctx.timerService().registerEventTimeTimer(time + allowedLatenessMs);
        }
        for (Map.Entry<Integer, GaugeAccumulator> e : dirty.entrySet()) {
            gauges.put(e.getKey(), e.getValue());
        }
        if (values != null) {
            evaluateDerived(area, time, values, null, out);
            written.put(time, values);
        }
        cleanUp(time);
        counters.watermark(ctx.timerService().currentWatermark());
    }

    /**
     * Applies the waiting gauge partials of the ticks up to {@code bucket} to the accumulators, which
     * it leaves in {@code dirty} for the caller to write; a group changed for the first time in its
     * period is due at the period's end: now ({@code dueNow}) or at a later tick.
     */
    private void applyGauges(long bucket, OnTimerContext ctx, Map<Integer, GaugeAccumulator> dirty,
            List<Integer> dueNow) throws Exception {
        List<GaugePartial> waiting = pendingGauges.get();
        if (waiting.isEmpty()) {
            return;
        }
        Map<Long, List<Integer>> dueLater = new HashMap<>();
        List<GaugePartial> later = new ArrayList<>();
        for (GaugePartial partial : waiting) {
            if (partial.tick > bucket) {
                later.add(partial); // sent early (before a checkpoint barrier); its tick comes later
                continue;
            }
            for (int i = 0; i < partial.groups.length; i++) {
                int group = partial.groups[i];
                GaugeAccumulator acc = dirty.get(group);
                if (acc == null) {
                    acc = gauges.get(group);
                    acc = acc == null ? new GaugeAccumulator() : acc;
                    dirty.put(group, acc);
                    if (!acc.touched) {
                        long due = PlanIndex.tickEnd(bucket, index.groupSource(group).periodMs());
                        if (due == bucket) {
                            dueNow.add(group);
                        } else {
                            dueLater.computeIfAbsent(due, t -> new ArrayList<>()).add(group);
                        }
                    }
                }
                acc.merge(partial.changes[i]);
            }
        }
        pendingGauges.update(later);
        for (Map.Entry<Long, List<Integer>> e : dueLater.entrySet()) {
            int[] already = gaugesDue.get(e.getKey());
            int[] groups = already == null ? new int[0] : already;
            int at = groups.length;
            groups = java.util.Arrays.copyOf(groups, at + e.getValue().size());
            for (int group : e.getValue()) {
                groups[at++] = group;
            }
            gaugesDue.put(e.getKey(), groups);
            ctx.timerService().registerEventTimeTimer(e.getKey());
        }
    }

    /** Writes every slot of the due groups at {@code time}; the accumulators end up in {@code dirty}. */
    private void emitGauges(String area, long time, List<Integer> due, Map<Integer, GaugeAccumulator> dirty,
            PointValues values, Collector<IndicatorPoint> out) throws Exception {
        for (int group : due) {
            GaugeAccumulator acc = dirty.get(group);
            if (acc == null) {
                acc = gauges.get(group);
                dirty.put(group, acc);
            }
            acc.touched = false;
            for (int slot : index.groupSlots(group)) {
                CompiledIndicator indicator = plan.slot(slot);
                double value = gaugeValue(indicator, acc);
                if (Double.isNaN(value)) {
                    continue;
                }
                values.put(slot, value);
                out.collect(point(indicator, area, time, value));
            }
        }
    }

    /** The gauge's value, or NaN when it is undefined (an average, extreme or share of no assets). */
    static double gaugeValue(CompiledIndicator indicator, GaugeAccumulator acc) {
        double resolution = indicator.resolution();
        return switch (indicator.aggregation()) {
            case SUM -> FixedPoint.fromFixed(acc.sum, resolution);
            case COUNT -> indicator.indicator().condition() != null ? acc.matching : acc.included;
            case AVG -> acc.included == 0 ? Double.NaN : FixedPoint.fromFixed(acc.sum, resolution) / acc.included;
            case MIN -> acc.included == 0 ? Double.NaN : FixedPoint.fromFixed(acc.min(), resolution);
            case MAX -> acc.included == 0 ? Double.NaN : FixedPoint.fromFixed(acc.max(), resolution);
            case SHARE -> acc.included == 0 ? Double.NaN : 100.0 * acc.matching / acc.included;
            default -> throw new IllegalStateException(indicator.id() + ": " + indicator.aggregation()
                    + " is not a gauge aggregation");
        };
    }

    /** Writes every slot of a group's window. */
    private void emitWindow(String area, int group, long end, WindowAccumulator acc, PointValues values,
            Collector<IndicatorPoint> out) {
        for (int slot : index.groupSlots(group)) {
            CompiledIndicator indicator = plan.slot(slot);
            double value = windowValue(indicator, acc);
            if (Double.isNaN(value)) {
                continue; // an empty window (written as 0 where registered) has no average, maximum, ...
            }
            values.put(slot, value);
            out.collect(point(indicator, area, end, value));
        }
    }

    /** The window's value, or NaN when it has no items and the aggregation has no value then. */
    static double windowValue(CompiledIndicator indicator, WindowAccumulator acc) {
        if (acc.count == 0 && !indicator.aggregation().windowZeroWhenEmpty()) {
            return Double.NaN;
        }
        double resolution = indicator.resolution();
        boolean valued = indicator.source() == SourceKind.COUNTER || indicator.indicator().attribute() != null;
        return switch (indicator.aggregation()) {
            case COUNT -> acc.count;
            case SUM -> FixedPoint.fromFixed(acc.sum, resolution);
            case AVG -> FixedPoint.fromFixed(acc.sum, resolution) / acc.count;
            case MAX -> FixedPoint.fromFixed(acc.max, resolution);
            case RATE -> (valued ? FixedPoint.fromFixed(acc.sum, resolution) : acc.count) / (indicator.periodMs() / 1000.0);
            case DISTINCT -> acc.distinct.length;
            case P50, P95, P99 -> acc.quantile(indicator.aggregation().quantile());
            default -> throw new IllegalStateException(indicator.id() + ": " + indicator.aggregation()
                    + " is not a window aggregation");
        };
    }

    /**
     * Evaluates the derived indicators at {@code time} whose inputs were all written, in dependency
     * order; {@code only} limits it to the dependents of a corrected slot (null: all).
     */
    private void evaluateDerived(String area, long time, PointValues values, int[] only,
            Collector<IndicatorPoint> out) {
        AreaLevel level = plan.topology().level(area);
        java.util.Set<Integer> affected = null;
        if (only != null) {
            affected = new java.util.HashSet<>();
            for (int s : only) {
                affected.add(s);
            }
        }
        for (int slot : plan.derivedOrder()) {
            CompiledIndicator indicator = plan.slot(slot);
            if (time % indicator.periodMs() != 0 || !indicator.levels().contains(level)) {
                continue;
            }
            if (affected != null && !affected.contains(slot)) {
                continue;
            }
            Map<String, Double> inputs = new HashMap<>();
            boolean complete = true;
            for (int input : index.formulaInputs(slot)) {
                double v = values.get(input);
                if (Double.isNaN(v)) {
                    complete = false;
                    break;
                }
                inputs.put(plan.slot(input).id(), v);
            }
            if (!complete) {
                continue;
            }
            double value = indicator.evaluate(inputs);
            if (Double.isFinite(value)) {
                values.put(slot, value);
                out.collect(point(indicator, area, time, value));
                if (affected != null) {
                    for (int d : index.dependents(slot)) {
                        affected.add(d);
                    }
                }
            }
        }
    }

    private void cleanUp(long time) throws Exception {
        long end = time + 1 - allowedLatenessMs;
        int[] expired = windowsEnding.get(end);
        if (expired != null) {
            for (int group : expired) {
                windows.remove(groupTimeKey(group, end));
            }
            windowsEnding.remove(end);
        }
        written.remove(time - allowedLatenessMs);
    }

    private PointValues writtenAt(long time) throws Exception {
        PointValues values = written.get(time);
        return values == null ? PointValues.empty() : values;
    }

    private IndicatorPoint point(CompiledIndicator indicator, String area, long time, double value) {
        counters.pointWritten();
        return new IndicatorPoint(indicator.id(), indicator.category(), area,
                plan.topology().level(area).name().toLowerCase(java.util.Locale.ROOT), run, time, value);
    }

    private static long groupTimeKey(int group, long end) {
        return ((long) group << 40) | (end / 1000);
    }
}
