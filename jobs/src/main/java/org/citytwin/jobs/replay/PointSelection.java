package org.citytwin.jobs.replay;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.citytwin.jobs.engine.IndicatorPoint;

/**
 * Lets through the points of the selected indicators (all when no glob is given), counting them
 * ({@link #POINTS_WRITTEN}) and keeping the latest point time ({@link #EVENT_TIME_REACHED}) as
 * accumulators for the progress line and the summary.
 */
final class PointSelection extends RichFilterFunction<IndicatorPoint> {

    private static final long serialVersionUID = 1L;
    static final String POINTS_WRITTEN = "replay-points-written";
    static final String EVENT_TIME_REACHED = "replay-event-time-reached";

    private final IndicatorGlob indicators;
    private transient LongCounter written;
    private transient LongMaximum reached;

    PointSelection(IndicatorGlob indicators) {
        this.indicators = indicators;
    }

    @Override
    public void open(OpenContext context) {
        written = new LongCounter();
        reached = new LongMaximum();
        getRuntimeContext().addAccumulator(POINTS_WRITTEN, written);
        getRuntimeContext().addAccumulator(EVENT_TIME_REACHED, reached);
    }

    @Override
    public boolean filter(IndicatorPoint point) {
        if (indicators != null && !indicators.matches(point.id())) {
            return false;
        }
        written.add(1);
        reached.add(point.time());
        return true;
    }
}
