package org.citytwin.jobs.engine.twin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.InternalTimerService;

/**
 * The assets whose events wait for the watermark, or whose silence ends, listed on the heap by the
 * whole second at which the watermark reaches them — what an event-time timer per asset would do, without a timer's
 * registration and removal in the priority queue for every record. Not checkpointed itself: before
 * each checkpoint barrier its entries become event-time timers ({@link #toTimers}), which are.
 * An asset may be listed more than once; its twin knows which listing is current. It lists the
 * twins themselves, so a release looks nothing up; a listed twin must stay on the heap until it
 * is released or the queue is turned into timers (the operator does that before it writes twins back).
 */
final class ReleaseQueue {

    /** What to do with a listed asset when the watermark passes its second. */
    @FunctionalInterface
    interface Release {
        void release(long second, AssetTwin twin) throws Exception;
    }

    private final TreeMap<Long, List<AssetTwin>> bySecond = new TreeMap<>();
    /** The second listed last and its assets: consecutive records mostly fall in the same second. */
    private long lastSecond = Long.MIN_VALUE;
    private List<AssetTwin> lastTwins;

    /** Lists a twin on the heap (its {@code key} set) for the second: the queue holds it until released or turned into timers. */
    void add(long second, AssetTwin twin) {
        if (second != lastSecond || lastTwins == null) {
            lastTwins = bySecond.computeIfAbsent(second, s -> new ArrayList<>());
            lastSecond = second;
        }
        lastTwins.add(twin);
    }

    /** Takes out, in time order, every listing at or before {@code watermark}, including those added meanwhile. */
    void pollUpTo(long watermark, Release release) throws Exception {
        while (!bySecond.isEmpty() && bySecond.firstKey() <= watermark) {
            Map.Entry<Long, List<AssetTwin>> due = bySecond.pollFirstEntry();
            if (due.getKey() == lastSecond) {
                lastTwins = null;
            }
            for (AssetTwin twin : due.getValue()) {
                release.release(due.getKey(), twin);
            }
        }
    }

    /** Turns every listing into an event-time timer of its asset (set as the current key) and empties the queue. */
    void toTimers(Consumer<Object> setCurrentKey, InternalTimerService<VoidNamespace> timers) {
        for (Map.Entry<Long, List<AssetTwin>> entry : bySecond.entrySet()) {
            for (AssetTwin twin : entry.getValue()) {
                setCurrentKey.accept(twin.key);
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, entry.getKey());
            }
        }
        bySecond.clear();
        lastTwins = null;
    }

    /** The number of listings (an asset listed twice counts twice). */
    int size() {
        return bySecond.values().stream().mapToInt(List::size).sum();
    }
}
