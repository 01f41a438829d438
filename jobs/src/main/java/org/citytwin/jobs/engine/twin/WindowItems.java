package org.citytwin.jobs.engine.twin;

/**
 * One event's items of windowed indicators: for each accumulator group, the item's value
 * (a counter's increment or an event attribute) and the label DISTINCT indicators count (null for
 * others), at the event's time.
 */
public record WindowItems(String street, long time, int[] groups, long[] values, String[] labels)
        implements Contribution {

    @Override
    public String toString() {
        return "window items@" + street + "/" + time + java.util.Arrays.toString(groups);
    }
}
