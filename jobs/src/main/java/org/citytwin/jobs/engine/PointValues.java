package org.citytwin.jobs.engine;

import java.util.Arrays;

/** The values written for one area at one timestamp, by slot: the inputs of derived indicators. */
public final class PointValues {

    public int[] slots = new int[0];
    public double[] values = new double[0];

    public PointValues() {}

    void put(int slot, double value) {
        int at = Arrays.binarySearch(slots, slot);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        at = -at - 1;
        int[] s = new int[slots.length + 1];
        double[] v = new double[values.length + 1];
        System.arraycopy(slots, 0, s, 0, at);
        System.arraycopy(values, 0, v, 0, at);
        s[at] = slot;
        v[at] = value;
        System.arraycopy(slots, at, s, at + 1, slots.length - at);
        System.arraycopy(values, at, v, at + 1, values.length - at);
        slots = s;
        values = v;
    }

    /** The value for the slot, or NaN when none was written. */
    double get(int slot) {
        int at = Arrays.binarySearch(slots, slot);
        return at >= 0 ? values[at] : Double.NaN;
    }
}
