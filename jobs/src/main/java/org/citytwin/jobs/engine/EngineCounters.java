package org.citytwin.jobs.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Counts records per metric and reason in one operator subtask and hands them out as
 * {@link EngineSample}s at most once per interval, as deltas, with the watermark lag.
 */
final class EngineCounters {

    static final long INTERVAL_MS = 10_000;

    private final String operator;
    private final int subtask;
    private final String run;
    private final Map<String, Long> counts = new TreeMap<>();
    private long lastFlush = System.currentTimeMillis();

    EngineCounters(String operator, int subtask, String run) {
        this.operator = operator;
        this.subtask = subtask;
        this.run = run;
    }

    void count(String metric, String reason) {
        counts.merge(metric + "\u0000" + reason, 1L, Long::sum);
    }

    /** Emits the counts since the last flush when the interval has passed. */
    void flushIfDue(long watermark, Consumer<EngineSample> out) {
        long now = System.currentTimeMillis();
        if (now - lastFlush < INTERVAL_MS) {
            return;
        }
        lastFlush = now;
        counts.forEach((key, n) -> {
            int split = key.indexOf('\u0000');
            out.accept(new EngineSample(key.substring(0, split), key.substring(split + 1), operator, subtask, run, now, n));
        });
        counts.clear();
        if (watermark > Long.MIN_VALUE) {
            out.accept(new EngineSample("watermark_lag_ms", "", operator, subtask, run, now, now - watermark));
        }
    }
}
