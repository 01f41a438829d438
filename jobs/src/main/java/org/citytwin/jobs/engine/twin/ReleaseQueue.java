package org.citytwin.jobs.engine.twin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The assets whose events wait for the watermark, listed on the heap by the whole second at which
 * the watermark releases them — what an event-time timer per asset would do, without a timer's
 * registration and removal in the priority queue for every record. Not checkpointed itself: before
 * each checkpoint barrier its entries become event-time timers ({@link #toTimers}), which are.
 * An asset may be listed more than once; its twin knows which listing is current.
 */
final class ReleaseQueue {

    /** What to do with a listed asset when the watermark passes its second. */
    @FunctionalInterface
    interface Release {
        void release(long second, String key) throws Exception;
    }

    private final TreeMap<Long, List<String>> bySecond = new TreeMap<>();
    /** The second listed last and its assets: consecutive records mostly fall in the same second. */
    private long lastSecond = Long.MIN_VALUE;
    private List<String> lastKeys;

    void add(long second, String key) {
        if (second != lastSecond || lastKeys == null) {
            lastKeys = bySecond.computeIfAbsent(second, s -> new ArrayList<>());
            lastSecond = second;
        }
        lastKeys.add(key);
    }

    /** Takes out, in time order, every listing at or before {@code watermark}, including those added meanwhile. */
    void pollUpTo(long watermark, Release release) throws Exception {
        while (!bySecond.isEmpty() && bySecond.firstKey() <= watermark) {
            Map.Entry<Long, List<String>> due = bySecond.pollFirstEntry();
            if (due.getKey() == lastSecond) {
                lastKeys = null;
            }
            for (String key : due.getValue()) {
                release.release(due.getKey(), key);
            }
        }
    }

    /** Turns every listing into an event-time timer of its asset (set as the current key) and empties the queue. */
    void toTimers(Consumer<Object> setCurrentKey, InternalTimerService<VoidNamespace> timers) {
        for (Map.Entry<Long, List<String>> entry : bySecond.entrySet()) {
            for (String key : entry.getValue()) {
                setCurrentKey.accept(key);
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, entry.getKey());
            }
        }
        bySecond.clear();
        lastKeys = null;
    }

    /** The number of listings (an asset listed twice counts twice). */
    int size() {
        return bySecond.values().stream().mapToInt(List::size).sum();
    }
}
