package org.citytwin.jobs.engine;

/**
 * The window items of the assets of one subtask in one area, for windows ending at one time: per
 * slot, a {@link WindowAccumulator} of those items (sealed). The area merges it into its window.
 * A Flink POJO.
 */
public final class WindowPartial {

    public String area;
    /** End of the windows (exclusive). */
    public long end;
    public int[] slots;
    public WindowAccumulator[] items;

    public WindowPartial() {}

    WindowPartial(String area, long end, int[] slots, WindowAccumulator[] items) {
        this.area = area;
        this.end = end;
        this.slots = slots;
        this.items = items;
    }

    @Override
    public String toString() {
        return "windows@" + area + "/" + end + java.util.Arrays.toString(slots);
    }
}
