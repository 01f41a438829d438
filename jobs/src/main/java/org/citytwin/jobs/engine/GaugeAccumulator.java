package org.citytwin.jobs.engine;

import java.util.Arrays;

/**
 * One gauge indicator in one area, kept exactly: the sum (fixed-point), how many assets are
 * included and how many meet the condition, the included values in order (only for MIN/MAX), and
 * whether anything changed since the last point.
 */
public final class GaugeAccumulator {

    public long sum;
    public int included;
    public int matching;
    /** Sorted included values, for MIN and MAX; empty for other aggregations. */
    public long[] sorted = new long[0];
    public boolean touched;

    public GaugeAccumulator() {}

    void apply(long oldValue, long newValue, byte flags, boolean keepOrder) {
        if ((flags & Contribution.OLD_INCLUDED) != 0) {
            sum -= oldValue;
            included--;
            if ((flags & Contribution.OLD_MATCHES) != 0) {
                matching--;
            }
            if (keepOrder) {
                int at = Arrays.binarySearch(sorted, oldValue);
                long[] next = new long[sorted.length - 1];
                System.arraycopy(sorted, 0, next, 0, at);
                System.arraycopy(sorted, at + 1, next, at, sorted.length - at - 1);
                sorted = next;
            }
        }
        if ((flags & Contribution.NEW_INCLUDED) != 0) {
            sum += newValue;
            included++;
            if ((flags & Contribution.NEW_MATCHES) != 0) {
                matching++;
            }
            if (keepOrder) {
                int at = Arrays.binarySearch(sorted, newValue);
                at = at < 0 ? -at - 1 : at;
                long[] next = new long[sorted.length + 1];
                System.arraycopy(sorted, 0, next, 0, at);
                next[at] = newValue;
                System.arraycopy(sorted, at, next, at + 1, sorted.length - at);
                sorted = next;
            }
        }
        touched = true;
    }
}
