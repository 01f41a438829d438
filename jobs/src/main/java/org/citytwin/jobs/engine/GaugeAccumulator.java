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

    /** Records one asset's change: its old part out (if it was included), its new part in (if it is). */
    void change(long oldValue, long newValue, byte flags, boolean keepOrder) {
        if ((flags & Contribution.OLD_INCLUDED) != 0) {
            sum -= oldValue;
            included--;
            if ((flags & Contribution.OLD_MATCHES) != 0) {
                matching--;
            }
            if (keepOrder) {
                sorted = remove(sorted, oldValue);
            }
        }
        if ((flags & Contribution.NEW_INCLUDED) != 0) {
            sum += newValue;
            included++;
            if ((flags & Contribution.NEW_MATCHES) != 0) {
                matching++;
            }
            if (keepOrder) {
                sorted = insert(sorted, newValue);
            }
        }
        touched = true;
    }

    private static long[] insert(long[] values, long value) {
        int at = Arrays.binarySearch(values, value);
        at = at < 0 ? -at - 1 : at;
        long[] next = new long[values.length + 1];
        System.arraycopy(values, 0, next, 0, at);
        next[at] = value;
        System.arraycopy(values, at, next, at + 1, values.length - at);
        return next;
    }

    private static long[] remove(long[] values, long value) {
        int at = Arrays.binarySearch(values, value);
        long[] next = new long[values.length - 1];
        System.arraycopy(values, 0, next, 0, at);
        System.arraycopy(values, at + 1, next, at, values.length - at - 1);
        return next;
    }
}
