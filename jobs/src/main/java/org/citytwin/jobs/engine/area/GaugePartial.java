package org.citytwin.jobs.engine.area;

/**
 * The net gauge changes of the assets of one subtask in one area up to one tick end (each group's changes
 * of the group's own tick that ends there): per accumulator group, a
 * {@link GaugeAccumulator} holding the change (sums and counts to add, multiset values to add or
 * remove). The area applies every partial of a tick when the watermark passes the tick.
 * Serialized by {@link AreaStateSerializers}.
 */
public final class GaugePartial {

    public String area;
    /** End of the tick (of each group's period) the changes are effective in. */
    public long tick;
    /** Accumulator groups ({@link PlanIndex#groupOf}). */
    public int[] groups;
    public GaugeAccumulator[] changes;

    public GaugePartial() {}

    GaugePartial(String area, long tick, int[] groups, GaugeAccumulator[] changes) {
        this.area = area;
        this.tick = tick;
        this.groups = groups;
        this.changes = changes;
    }

    @Override
    public String toString() {
        return "gauges@" + area + "/" + tick + java.util.Arrays.toString(groups);
    }
}
