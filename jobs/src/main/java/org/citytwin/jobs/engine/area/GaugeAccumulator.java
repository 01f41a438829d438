package org.citytwin.jobs.engine.area;

import java.util.Arrays;
import org.citytwin.jobs.engine.twin.GaugeChanges;

/**
 * One gauge indicator in one area, kept exactly: the sum (fixed-point), how many assets are
 * included and how many meet the condition, the included values as a multiset (only for MIN/MAX),
 * and whether anything changed since the last point. The same type carries a partial — the net
 * change of several assets in one tick — so partials and the area's accumulator combine by
 * {@link #merge}, in any order: a multiset count may be negative while removals arrive before
 * their inserts, and reads only the values with a positive count.
 *
 * <p>A partial collects the values of its changes unsorted ({@link #change} appends them) and
 * {@link #seal()} sorts them into the multiset once, before it is sent: inserting each change
 * into a sorted array cost a search and a copy per change.
 */
public final class GaugeAccumulator {

    /** Shared by every accumulator without values: the arrays are replaced, never written, when values come. */
    private static final long[] NO_VALUES = new long[0];
    private static final int[] NO_COUNTS = new int[0];

    public long sum;
    public int included;
    public int matching;
    /** MIN/MAX only: the distinct included values, ascending, and how many assets hold each. */
    public long[] values = NO_VALUES;
    public int[] counts = NO_COUNTS;
    public boolean touched;
    /** Changes not yet in {@link #values}: values added and removed, unsorted (see {@link #seal}). */
    private transient long[] added;
    private transient long[] removed;
    private transient int addedCount;
    private transient int removedCount;

    public GaugeAccumulator() {}

    /** Records one asset's change: its old part out (if it was included), its new part in (if it is). */
    void change(long oldValue, long newValue, byte flags, boolean keepValues) {
        if ((flags & GaugeChanges.OLD_INCLUDED) != 0) {
            sum -= oldValue;
            included--;
            if ((flags & GaugeChanges.OLD_MATCHES) != 0) {
                matching--;
            }
            if (keepValues) {
                removed = append(removed, removedCount++, oldValue);
            }
        }
        if ((flags & GaugeChanges.NEW_INCLUDED) != 0) {
            sum += newValue;
            included++;
            if ((flags & GaugeChanges.NEW_MATCHES) != 0) {
                matching++;
            }
            if (keepValues) {
                added = append(added, addedCount++, newValue);
            }
        }
        touched = true;
    }

    /** Puts the values {@link #change} collected into the multiset (done before it is read, merged or serialized). */
    GaugeAccumulator seal() {
        if (addedCount + removedCount == 0) {
            return this;
        }
        if (addedCount > 0) {
            Arrays.sort(added, 0, addedCount);
        }
        if (removedCount > 0) {
            Arrays.sort(removed, 0, removedCount);
        }
        long[] nextValues = new long[values.length + addedCount + removedCount];
        int[] nextCounts = new int[nextValues.length];
        int n = 0;
        int v = 0;
        int a = 0;
        int r = 0;
        while (v < values.length || a < addedCount || r < removedCount) {
            long value = Long.MAX_VALUE;
            if (v < values.length) {
                value = values[v];
            }
            if (a < addedCount) {
                value = Math.min(value, added[a]);
            }
            if (r < removedCount) {
                value = Math.min(value, removed[r]);
            }
            int count = 0;
            if (v < values.length && values[v] == value) {
                count += counts[v++];
            }
            while (a < addedCount && added[a] == value) {
                count++;
                a++;
            }
            while (r < removedCount && removed[r] == value) {
                count--;
                r++;
            }
            if (count != 0) {
                nextValues[n] = value;
                nextCounts[n++] = count;
            }
        }
        values = Arrays.copyOf(nextValues, n);
        counts = Arrays.copyOf(nextCounts, n);
        addedCount = 0;
        removedCount = 0;
        return this;
    }

    private static long[] append(long[] a, int at, long value) {
        if (a == null) {
            a = new long[8];
        } else if (at == a.length) {
            a = Arrays.copyOf(a, at * 2);
        }
        a[at] = value;
        return a;
    }

    /**
     * Adds a partial (the net change of other assets). Its values join the unsorted changes, so
     * merging many partials costs one sort at the next {@link #seal}, not a copy of the multiset each.
     */
    void merge(GaugeAccumulator partial) {
        partial.seal();
        sum += partial.sum;
        included += partial.included;
        matching += partial.matching;
        for (int i = 0; i < partial.values.length; i++) {
            long value = partial.values[i];
            for (int n = partial.counts[i]; n > 0; n--) {
                added = append(added, addedCount++, value);
            }
            for (int n = partial.counts[i]; n < 0; n++) {
                removed = append(removed, removedCount++, value);
            }
        }
        touched |= partial.touched;
    }

    /** The smallest included value; only when {@link #included} > 0. */
    long min() {
        seal();
        for (int i = 0; i < values.length; i++) {
            if (counts[i] > 0) {
                return values[i];
            }
        }
        throw new IllegalStateException("no included value");
    }

    /** The largest included value; only when {@link #included} > 0. */
    long max() {
        seal();
        for (int i = values.length - 1; i >= 0; i--) {
            if (counts[i] > 0) {
                return values[i];
            }
        }
        throw new IllegalStateException("no included value");
    }
}
