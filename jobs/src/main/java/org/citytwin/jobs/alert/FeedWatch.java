package org.citytwin.jobs.alert;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.FeedState;
import org.citytwin.model.alert.FeedStoppedRule;
import org.citytwin.model.alert.NoDataState;

/**
 * The run's one {@code feed_stopped} alert ({@link FeedStoppedRule}): runs with parallelism 1
 * behind the areas, sees only their watermarks (the minimum over all of them) and checks the wall
 * clock every second. Points are not its input (they are filtered out before it). Whether the
 * alert fires is operator state, so after a restart it still resolves when the feed resumes.
 */
public final class FeedWatch extends AbstractStreamOperator<AlertEvent>
        implements OneInputStreamOperator<IndicatorPoint, AlertEvent>, ProcessingTimeService.ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;
    /** Tags of the {@code alert} rows of this alert: it belongs to the whole feed, not to an indicator. */
    public static final String INDICATOR = "feed";
    public static final String CATEGORY = "engine";

    private final FeedStoppedRule rule;
    private final String run;
    private final String cityCode;
    private transient ListState<Long> firedAt;
    private transient FeedState state;

    public FeedWatch(FeedStoppedRule rule, String run, String cityCode) {
        this.rule = rule;
        this.run = run;
        this.cityCode = cityCode;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        firedAt = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("feed-stopped-since", Types.LONG));
        long since = NoDataState.NOT_FIRING;
        for (Long t : firedAt.get()) {
            since = t;
        }
        state = rule.start(now(), since);
    }

    @Override
    public void open() throws Exception {
        super.open();
        schedule();
    }

    @Override
    public void processElement(StreamRecord<IndicatorPoint> element) {
        // nothing arrives: only the watermarks matter
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        update(rule.watermark(state, mark.getTimestamp(), now()));
    }

    @Override
    public void onProcessingTime(long time) {
        update(rule.clock(state, now()));
        schedule();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        firedAt.update(state.firing() ? List.of(state.firedAt()) : List.of());
    }

    private void update(FeedState next) {
        for (AlertTransition t : rule.transitions(state, next)) {
            output.collect(new StreamRecord<>(new AlertEvent(INDICATOR, CATEGORY, cityCode, "city", run, t)));
        }
        state = next;
    }

    private void schedule() {
        long every = Math.max(10, Math.min(1000, rule.afterMs() / 4));
        getProcessingTimeService().registerTimer(now() + every, this);
    }

    private long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }
}
