package org.citytwin.jobs.engine.area;

import java.util.Arrays;

/**
 * The values written for one area at one timestamp, indexed by slot (NaN: none written): the
 * inputs of derived indicators.
 */
public final class PointValues {

    public double[] values;

    public PointValues() {}

    static PointValues empty(int slots) {
        PointValues v = new PointValues();
        v.values = new double[slots];
        Arrays.fill(v.values, Double.NaN);
        return v;
    }

    void put(int slot, double value) {
        values[slot] = value;
    }

    /** The value for the slot, or NaN when none was written. */
    double get(int slot) {
        return values[slot];
    }
}
