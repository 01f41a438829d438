package org.citytwin.jobs.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.citytwin.jobs.engine.IndicatorJob;

/**
 * The live progress line of a replay, from the running job's accumulators: event time reached (the
 * latest point written), × real time, records/s and the time left.
 */
public final class ReplayProgress {

    private final ReplayRange range;
    private final long startNanos;

    public ReplayProgress(ReplayRange range, long startNanos) {
        this.range = range;
        this.startNanos = startNanos;
    }

    /** The line for these accumulator values (as {@code JobClient.getAccumulators()} gives them). */
    public String line(Map<String, Object> accumulators, long nowNanos) {
        double seconds = Math.max(1e-3, (nowNanos - startNanos) / 1e9);
        long records = number(accumulators.get(IndicatorJob.RECORDS_READ));
        Object reachedValue = accumulators.get(SelectedPoints.EVENT_TIME_REACHED);
        long reached = reachedValue == null ? Long.MIN_VALUE : number(reachedValue);
        StringBuilder line = new StringBuilder();
        if (reached < range.from()) {
            line.append("event time not reached yet");
        } else {
            long done = Math.min(reached, range.to()) - range.from();
            double speed = done / 1000.0 / seconds;
            line.append(String.format("event time %s (%d %%), %.1f× real time", Instant.ofEpochMilli(reached),
                    done * 100 / range.millis(), speed));
            if (speed > 0 && done < range.millis()) {
                line.append(", ETA ").append(clock(Duration.ofMillis((long) ((range.millis() - done) / speed))));
            }
        }
        line.append(String.format(", %,d records (%,.0f records/s)", records, records / seconds));
        return line.toString();
    }

    static String clock(Duration d) {
        return String.format("%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
