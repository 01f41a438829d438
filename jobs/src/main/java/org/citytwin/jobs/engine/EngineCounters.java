package org.citytwin.jobs.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.citytwin.model.event.RejectReason;

/**
 * The record counts of one operator subtask, kept in one place and reported three ways: Flink
 * metrics ({@code eventsAccepted}, {@code deadLetters} per {@code reason}), the run's accumulators
 * ({@link IndicatorJob#RECORDS_READ} and the others, in the job result) and, at most once per
 * interval, {@link EngineSample}s for the {@code engine} measurement, as deltas with the watermark lag.
 */
final class EngineCounters {

    static final long INTERVAL_MS = 10_000;

    private final RuntimeContext context;
    private final String operator;
    private final String run;
    private Counter accepted;
    private final LongCounter read;
    private final LongCounter applied;
    private final LongCounter deadLettered;
    private final Map<RejectReason, Counter> deadLettersByReason = new EnumMap<>(RejectReason.class);
    private final Map<String, Long> sinceLastSample = new TreeMap<>();
    private long lastFlush = System.currentTimeMillis();

    EngineCounters(RuntimeContext context, String operator, String run) {
        this.context = context;
        this.operator = operator;
        this.run = run;
        this.read = context.getLongCounter(IndicatorJob.RECORDS_READ);
        this.applied = context.getLongCounter(IndicatorJob.RECORDS_APPLIED);
        this.deadLettered = context.getLongCounter(IndicatorJob.RECORDS_DEAD_LETTERED);
    }

    /** A record read from the feed. */
    void read() {
        read.add(1);
    }

    /** A record the parser accepted. */
    void accepted() {
        if (accepted == null) {
            accepted = context.getMetricGroup().counter("eventsAccepted");
        }
        accepted.inc();
        sinceLastSample.merge("records_accepted\u0000", 1L, Long::sum);
    }

    /** A record applied to its asset's twin (neither LATE nor DUPLICATE). */
    void applied() {
        applied.add(1);
    }

    /** An indicator point handed to the sink (a rewrite of a corrected window counts again). */
    void pointWritten() {
        sinceLastSample.merge("points_written\u0000", 1L, Long::sum);
    }

    /** A record sent to the dead letters. */
    void deadLettered(RejectReason reason) {
        deadLettered.add(1);
        deadLettersByReason.computeIfAbsent(reason, r -> context.getMetricGroup().addGroup("reason", r.name())
                .counter("deadLetters")).inc();
        sinceLastSample.merge("dead_letters\u0000" + reason.name(), 1L, Long::sum);
    }

    /** Emits the counts since the last sample when the interval has passed. */
    void flushIfDue(long watermark, Consumer<EngineSample> out) {
        long now = System.currentTimeMillis();
        if (now - lastFlush < INTERVAL_MS) {
            return;
        }
        lastFlush = now;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        sinceLastSample.forEach((key, n) -> {
            int split = key.indexOf('\u0000');
            out.accept(new EngineSample(key.substring(0, split), key.substring(split + 1), operator, subtask, run,
                    now, n));
        });
        sinceLastSample.clear();
        if (watermark > Long.MIN_VALUE) {
            out.accept(new EngineSample("watermark_lag_ms", "", operator, subtask, run, now, now - watermark));
        }
    }
}
