package org.citytwin.jobs.engine.twin;

/**
 * For each accumulator group, the asset's part in the aggregate before and after a change, and
 * whether it was and is included and meets the condition ({@link #flags}), at the change's
 * effective time. The area takes out exactly the old part and adds the new one.
 */
public record GaugeChanges(String street, long time, int[] groups, long[] oldParts, long[] newParts, byte[] flags)
        implements Contribution {

    /** Flag bits of a change. */
    public static final byte OLD_INCLUDED = 1;
    public static final byte OLD_MATCHES = 2;
    public static final byte NEW_INCLUDED = 4;
    public static final byte NEW_MATCHES = 8;

    @Override
    public String toString() {
        return "gauge changes@" + street + "/" + time + java.util.Arrays.toString(groups);
    }
}
