package org.citytwin.jobs.engine.area;

import java.util.Arrays;

/**
 * The values written for one area at one timestamp, by slot: the inputs of derived indicators.
 * Sparse (the slots written, ascending, and their values), since an area writes a small part of
 * the catalog at any one time and this is read and written in state at every tick.
 */
public final class PointValues {

    private int[] slots = new int[8];
    private double[] values = new double[8];
    private int size;

    public PointValues() {}

    static PointValues empty() {
        return new PointValues();
    }

    /** How many slots were written. */
    int size() {
        return size;
    }

    /** The {@code i}-th slot written, ascending. */
    int slot(int i) {
        return slots[i];
    }

    /** The value of {@link #slot(int) slot(i)}. */
    double value(int i) {
        return values[i];
    }

    void put(int slot, double value) {
        int at = Arrays.binarySearch(slots, 0, size, slot);
        if (at >= 0) {
            values[at] = value;
            return;
        }
        at = -at - 1;
        if (size == slots.length) { // grows by half, so slots put in ascending order cost no copy each
            slots = Arrays.copyOf(slots, size + (size >> 1) + 1);
            values = Arrays.copyOf(values, slots.length);
        }
        System.arraycopy(slots, at, slots, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        slots[at] = slot;
        values[at] = value;
        size++;
    }

    /** The value for the slot, or NaN when none was written. */
    double get(int slot) {
        int at = Arrays.binarySearch(slots, 0, size, slot);
        return at >= 0 ? values[at] : Double.NaN;
    }
}
