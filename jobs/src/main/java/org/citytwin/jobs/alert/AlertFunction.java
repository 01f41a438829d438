package org.citytwin.jobs.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.model.alert.AlertRule;
import org.citytwin.model.alert.AlertState;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.NoDataRule;
import org.citytwin.model.alert.NoDataState;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.AreaLevel;

/**
 * Evaluates an indicator's alert rule on its points for one area and run (the key). A point is
 * evaluated at once, but it stays correctable until the watermark passes its time plus the
 * allowed lateness: the state is kept as {@code settled} (all points that can no longer change)
 * plus the points still {@code pending}, and the current state is the rule folded over both. A
 * corrected point (the engine re-emits a tick's value after late data) refolds, and only the
 * difference to what was already announced is emitted. When the settled state is quiet and no
 * point is pending, the threshold state is cleared.
 *
 * <p>Gauge indicators also have a no-data watch ({@link NoDataRule}, event time): their points
 * stop only when the area's source assets stop reporting, so no point for the assets' silence
 * timeout plus one tick, while the watermark passes that time, fires a {@code no_data} alert, and
 * the next point resolves it. The watch lives as long as the key sends points (one value and at
 * most one timer); window and derived indicators have none (a window without items is a quiet
 * area, not a silent one). Two kinds of event-time timers, each named in state: the settle timers
 * (a pending point's time plus the lateness) and the one armed no-data deadline ({@code noDataTimer}).
 */
public final class AlertFunction extends KeyedProcessFunction<String, IndicatorPoint, AlertEvent> {

    private static final long serialVersionUID = 1L;

    private final EvaluationPlan plan;
    private final long allowedLatenessMs;
    private final int flapMaxChanges;
    private final long flapWindowMs;

    private transient ValueState<AlertState> settled;
    private transient ValueState<AlertState> current;
    private transient MapState<Long, Double> pending;
    private transient ValueState<NoDataState> noData;
    private transient ValueState<Long> noDataTimer;

    public AlertFunction(EvaluationPlan plan, long allowedLatenessMs, int flapMaxChanges, long flapWindowMs) {
        this.plan = plan;
        this.allowedLatenessMs = allowedLatenessMs;
        this.flapMaxChanges = flapMaxChanges;
        this.flapWindowMs = flapWindowMs;
    }

    /** The key: one alert per indicator, area and run. */
    public static String key(IndicatorPoint point) {
        return point.id() + '|' + point.area() + '|' + point.run();
    }

    /** True for points of indicators with thresholds at the point's level: only those reach the keyed operator. */
    public static boolean hasRule(EvaluationPlan plan, IndicatorPoint point) {
        CompiledIndicator indicator = plan.indicator(point.id());
        Alert alert = indicator == null ? null : indicator.indicator().alert();
        return alert != null && (alert.levels().isEmpty() || alert.appliesAt(AreaLevel.ofTag(point.level())));
    }

    @Override
    public void open(OpenContext context) {
        settled = getRuntimeContext().getState(new ValueStateDescriptor<>("settled", TypeInformation.of(AlertState.class)));
        current = getRuntimeContext().getState(new ValueStateDescriptor<>("current", TypeInformation.of(AlertState.class)));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG, Types.DOUBLE));
        noData = getRuntimeContext().getState(new ValueStateDescriptor<>("no-data", TypeInformation.of(NoDataState.class)));
        noDataTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("no-data-timer", Types.LONG));
    }

    @Override
    public void processElement(IndicatorPoint point, Context ctx, Collector<AlertEvent> out) throws Exception {
        AlertRule rule = rule(point.id());
        if (rule == null) {
            return; // the indicator lost its thresholds in a newer plan
        }
        AlertState base = settled.value() == null ? AlertState.INITIAL : settled.value();
        if (point.time() <= base.time()) {
            return; // beyond the allowed lateness: the engine dead-letters such input before it gets here
        }
        pending.put(point.time(), point.value());
        AlertState before = current.value() == null ? base : current.value();
        AlertState after = fold(rule, base, pendingInOrder());
        for (AlertTransition t : rule.transitions(before, after)) {
            out.collect(new AlertEvent(point.id(), point.category(), point.area(), point.level(), point.run(), t));
        }
        current.update(after);
        ctx.timerService().registerEventTimeTimer(point.time() + allowedLatenessMs);
        watchPoint(point, ctx, out);
    }

    /** A point resets the no-data watch (resolving a no-data alert) and arms its deadline if none is armed. */
    private void watchPoint(IndicatorPoint point, Context ctx, Collector<AlertEvent> out) throws Exception {
        NoDataRule rule = noDataRule(point.id());
        if (rule == null) {
            return;
        }
        NoDataState before = noData.value();
        NoDataState after = before == null ? rule.start(point.time()) : rule.point(before, point.time());
        if (before != null) {
            for (AlertTransition t : rule.transitions(before, after)) {
                out.collect(new AlertEvent(point.id(), point.category(), point.area(), point.level(), point.run(), t));
            }
        }
        noData.update(after);
        armNoData(rule, after, ctx.timerService().currentWatermark(), ctx.timerService());
    }

    /** The armed deadline fired: the watch fires if no newer point moved the deadline, else re-arms it. */
    private void checkNoData(String key, long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        Long armed = noDataTimer.value();
        if (armed == null || armed != timestamp) {
            return;
        }
        noDataTimer.clear();
        String[] parts = key.split("\\|", 3);
        NoDataRule rule = noDataRule(parts[0]);
        NoDataState before = noData.value();
        if (rule == null || before == null) {
            noData.clear();
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        NoDataState after = rule.watermark(before, watermark);
        for (AlertTransition t : rule.transitions(before, after)) {
            out.collect(new AlertEvent(parts[0], plan.indicator(parts[0]).category(), parts[1],
                    plan.topology().area(parts[1]).level().tag(), parts[2], t));
        }
        noData.update(after);
        armNoData(rule, after, watermark, ctx.timerService());
    }

    /**
     * Arms the deadline timer unless one is armed, the alert fires (only a point can change that)
     * or the input has ended (a timer at or before the watermark would fire again at once).
     */
    private void armNoData(NoDataRule rule, NoDataState s, long watermark,
            TimerService timers) throws Exception {
        if (noDataTimer.value() != null || s.firing() || watermark == Long.MAX_VALUE) {
            return;
        }
        long deadline = Math.max(rule.deadline(s), watermark + 1);
        timers.registerEventTimeTimer(deadline);
        noDataTimer.update(deadline);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertEvent> out) throws Exception {
        settle(timestamp, ctx);
        checkNoData(ctx.getCurrentKey(), timestamp, ctx, out);
    }

    /** Folds the points the watermark has passed by the lateness into the settled state; clears a quiet key. */
    private void settle(long timestamp, OnTimerContext ctx) throws Exception {
        String id = ctx.getCurrentKey().substring(0, ctx.getCurrentKey().indexOf('|'));
        AlertRule rule = rule(id);
        AlertState base = settled.value() == null ? AlertState.INITIAL : settled.value();
        List<Long> ready = new ArrayList<>();
        for (Map.Entry<Long, Double> e : pendingInOrder()) {
            if (e.getKey() + allowedLatenessMs <= timestamp) {
                base = rule == null ? base : rule.step(base, e.getKey(), e.getValue());
                ready.add(e.getKey());
            }
        }
        for (Long t : ready) {
            pending.remove(t);
        }
        if (pending.isEmpty() && (rule == null || base.quiet())) {
            settled.clear();
            current.clear();
            pending.clear();
        } else {
            settled.update(base);
        }
    }

    private List<Map.Entry<Long, Double>> pendingInOrder() throws Exception {
        List<Map.Entry<Long, Double>> entries = new ArrayList<>();
        for (Map.Entry<Long, Double> e : pending.entries()) {
            entries.add(Map.entry(e.getKey(), e.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries;
    }

    private static AlertState fold(AlertRule rule, AlertState base, List<Map.Entry<Long, Double>> points) {
        AlertState s = base;
        for (Map.Entry<Long, Double> e : points) {
            s = rule.step(s, e.getKey(), e.getValue());
        }
        return s;
    }

    /** The no-data watch of a gauge indicator with thresholds: its assets' silence timeout plus one tick; else null. */
    private NoDataRule noDataRule(String id) {
        CompiledIndicator compiled = plan.indicator(id);
        Indicator indicator = compiled == null ? null : compiled.indicator();
        if (indicator == null || indicator.alert() == null || indicator.source() != SourceKind.GAUGE) {
            return null;
        }
        AssetType type = plan.assetTypes().get(indicator.assetType());
        return type == null ? null : new NoDataRule(type.silenceTimeoutMs() + indicator.periodMs());
    }

    private AlertRule rule(String id) {
        CompiledIndicator compiled = plan.indicator(id);
        Indicator indicator = compiled == null ? null : compiled.indicator();
        Alert thresholds = indicator == null ? null : indicator.alert();
        return thresholds == null ? null : new AlertRule(thresholds, flapMaxChanges, flapWindowMs);
    }
}
