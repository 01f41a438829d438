package org.citytwin.jobs.engine;

import java.util.Arrays;

/**
 * One gauge indicator in one area, kept exactly: the sum (fixed-point), how many assets are
 * included and how many meet the condition, the included values in order (only for MIN/MAX), and
 * whether anything changed since the last point. Also used, per base-tick bucket, for the changes
 * waiting for the watermark: they commute, so they are summed up as they arrive (values to add and
 * to remove kept apart) and merged in when the bucket is due.
 */
public final class GaugeAccumulator {

    public long sum;
    public int included;
    public int matching;
    /** Sorted included values, for MIN and MAX; empty for other aggregations. */
    public long[] sorted = new long[0];
    /** In a waiting bucket only: values that left the gauge, for MIN and MAX. */
    public long[] removed = new long[0];
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
                removed = insert(removed, oldValue);
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

    /** Merges a bucket of changes in: additions first, so a value added and removed within it cancels. */
    void merge(GaugeAccumulator bucket) {
        sum += bucket.sum;
        included += bucket.included;
        matching += bucket.matching;
        for (long value : bucket.sorted) {
            sorted = insert(sorted, value);
        }
        for (long value : bucket.removed) {
            sorted = remove(sorted, value);
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
