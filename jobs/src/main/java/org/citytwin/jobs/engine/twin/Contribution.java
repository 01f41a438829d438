package org.citytwin.jobs.engine.twin;

import java.util.Arrays;

/**
 * What one event changes in the asset's street (the pre-aggregation adds it to every level):
 * either gauge changes (for each accumulator group, the asset's old and new part in the aggregate,
 * at the change's effective time) or window items (for each group, one item at its event time). Values are fixed-point longs in units of the group's resolution, so
 * areas sum them exactly. A Flink POJO: public fields, arrays of primitives and strings only.
 */
public final class Contribution {

    /** Flag bits of a gauge change. */
    public static final byte OLD_INCLUDED = 1;
    public static final byte OLD_MATCHES = 2;
    public static final byte NEW_INCLUDED = 4;
    public static final byte NEW_MATCHES = 8;

    public String area;
    /** Gauge changes: effective time of the change. Window items: the event time. */
    public long time;
    public boolean gauge;
    /** Accumulator groups ({@link PlanIndex#groupOf}). */
    public int[] groups;
    /** Gauge changes: the asset's previous value per group. */
    public long[] oldValues;
    /** Gauge changes: the asset's new value. Window items: the item's value (increment or attribute). */
    public long[] newValues;
    /** Gauge changes: {@link #OLD_INCLUDED} | {@link #OLD_MATCHES} | {@link #NEW_INCLUDED} | {@link #NEW_MATCHES}. */
    public byte[] flags;
    /** Window items: the value counted by DISTINCT indicators (null for others). */
    public String[] labels;

    public Contribution() {}

    public static Contribution gauge(String area, long time, int[] groups, long[] oldValues, long[] newValues, byte[] flags) {
        Contribution c = new Contribution();
        c.area = area;
        c.time = time;
        c.gauge = true;
        c.groups = groups;
        c.oldValues = oldValues;
        c.newValues = newValues;
        c.flags = flags;
        return c;
    }

    public static Contribution window(String area, long time, int[] groups, long[] values, String[] labels) {
        Contribution c = new Contribution();
        c.area = area;
        c.time = time;
        c.gauge = false;
        c.groups = groups;
        c.newValues = values;
        c.labels = labels;
        return c;
    }

    @Override
    public String toString() {
        return (gauge ? "gauge" : "window") + "@" + area + "/" + time + Arrays.toString(groups);
    }
}
