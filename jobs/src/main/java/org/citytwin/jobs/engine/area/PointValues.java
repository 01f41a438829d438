package org.citytwin.jobs.engine.area;

import java.util.Arrays;

/**
 * The values written for one area at one timestamp, by slot: the inputs of derived indicators.
 * Sparse (the slots written, ascending, and their values), since an area writes a small part of
 * the catalog at any one time and this is read and written in state at every tick.
 */
public final class PointValues {

    public int[] slots = new int[0];
    public double[] values = new double[0];

    public PointValues() {}

    static PointValues empty() {
        return new PointValues();
    }

    void put(int slot, double value) {
        int at = Arrays.binarySearch(slots, slot);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        at = -at - 1;
        int[] nextSlots = new int[slots.length + 1];
        double[] nextValues = new double[values.length + 1];
        System.arraycopy(slots, 0, nextSlots, 0, at);
        System.arraycopy(values, 0, nextValues, 0, at);
        nextSlots[at] = slot;
        nextValues[at] = value;
        System.arraycopy(slots, at, nextSlots, at + 1, slots.length - at);
        System.arraycopy(values, at, nextValues, at + 1, values.length - at);
        slots = nextSlots;
        values = nextValues;
    }

    /** The value for the slot, or NaN when none was written. */
    double get(int slot) {
        int at = Arrays.binarySearch(slots, slot);
        return at >= 0 ? values[at] : Double.NaN;
    }
}
