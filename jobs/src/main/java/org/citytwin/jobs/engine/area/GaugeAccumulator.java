package org.citytwin.jobs.engine.area;

import java.util.Arrays;
import org.citytwin.jobs.engine.twin.Contribution;

/**
 * One gauge indicator in one area, kept exactly: the sum (fixed-point), how many assets are
 * included and how many meet the condition, the included values as a multiset (only for MIN/MAX),
 * and whether anything changed since the last point. The same type carries a partial — the net
 * change of several assets in one tick — so partials and the area's accumulator combine by
 * {@link #merge}, in any order: a multiset count may be negative while removals arrive before
 * their inserts, and reads only the values with a positive count.
 */
public final class GaugeAccumulator {

    public long sum;
    public int included;
    public int matching;
    /** MIN/MAX only: the distinct included values, ascending, and how many assets hold each. */
    public long[] values = new long[0];
    public int[] counts = new int[0];
    public boolean touched;

    public GaugeAccumulator() {}

    /** Records one asset's change: its old part out (if it was included), its new part in (if it is). */
    void change(long oldValue, long newValue, byte flags, boolean keepValues) {
        if ((flags & Contribution.OLD_INCLUDED) != 0) {
            sum -= oldValue;
            included--;
            if ((flags & Contribution.OLD_MATCHES) != 0) {
                matching--;
            }
            if (keepValues) {
                add(oldValue, -1);
            }
        }
        if ((flags & Contribution.NEW_INCLUDED) != 0) {
            sum += newValue;
            included++;
            if ((flags & Contribution.NEW_MATCHES) != 0) {
                matching++;
            }
            if (keepValues) {
                add(newValue, 1);
            }
        }
        touched = true;
    }

    /** Adds a partial (the net change of other assets). */
    void merge(GaugeAccumulator partial) {
        sum += partial.sum;
        included += partial.included;
        matching += partial.matching;
        for (int i = 0; i < partial.values.length; i++) {
            add(partial.values[i], partial.counts[i]);
        }
        touched |= partial.touched;
    }

    /** The smallest included value; only when {@link #included} > 0. */
    long min() {
        for (int i = 0; i < values.length; i++) {
            if (counts[i] > 0) {
                return values[i];
            }
        }
        throw new IllegalStateException("no included value");
    }

    /** The largest included value; only when {@link #included} > 0. */
    long max() {
        for (int i = values.length - 1; i >= 0; i--) {
            if (counts[i] > 0) {
                return values[i];
            }
        }
        throw new IllegalStateException("no included value");
    }

    private void add(long value, int count) {
        int at = Arrays.binarySearch(values, value);
        if (at >= 0) {
            counts[at] += count;
            if (counts[at] == 0) {
                values = without(values, at);
                counts = without(counts, at);
            }
            return;
        }
        at = -at - 1;
        long[] nextValues = new long[values.length + 1];
        int[] nextCounts = new int[counts.length + 1];
        System.arraycopy(values, 0, nextValues, 0, at);
        System.arraycopy(counts, 0, nextCounts, 0, at);
        nextValues[at] = value;
        nextCounts[at] = count;
        System.arraycopy(values, at, nextValues, at + 1, values.length - at);
        System.arraycopy(counts, at, nextCounts, at + 1, counts.length - at);
        values = nextValues;
        counts = nextCounts;
    }

    private static long[] without(long[] a, int at) {
        long[] next = new long[a.length - 1];
        System.arraycopy(a, 0, next, 0, at);
        System.arraycopy(a, at + 1, next, at, a.length - at - 1);
        return next;
    }

    private static int[] without(int[] a, int at) {
        int[] next = new int[a.length - 1];
        System.arraycopy(a, 0, next, 0, at);
        System.arraycopy(a, at + 1, next, at, a.length - at - 1);
        return next;
    }
}
