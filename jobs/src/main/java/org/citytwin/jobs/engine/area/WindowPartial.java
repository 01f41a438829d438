package org.citytwin.jobs.engine.area;

/**
 * The window items of the assets of one subtask in one area, for windows ending at one time: per
 * accumulator group, a {@link WindowAccumulator} of those items (sealed). The area merges it into its window.
 * Serialized by {@link AreaStateSerializers}.
 */
public final class WindowPartial {

    public String area;
    /** End of the windows (exclusive). */
    public long end;
    /** Accumulator groups ({@link PlanIndex#groupOf}). */
    public int[] groups;
    public WindowAccumulator[] items;

    public WindowPartial() {}

    WindowPartial(String area, long end, int[] groups, WindowAccumulator[] items) {
        this.area = area;
        this.end = end;
        this.groups = groups;
        this.items = items;
    }

    @Override
    public String toString() {
        return "windows@" + area + "/" + end + java.util.Arrays.toString(groups);
    }
}
