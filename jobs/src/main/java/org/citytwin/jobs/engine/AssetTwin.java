package org.citytwin.jobs.engine;

import java.util.Arrays;

/**
 * The twin of one asset: its latest gauge readings, counter baselines, when it was last seen and
 * whether it is online. Arrays are indexed by the metric's position in its asset type, so the
 * state is a flat Flink POJO. {@link Long#MIN_VALUE} marks "no reading yet".
 */
public final class AssetTwin {

    public static final long NONE = Long.MIN_VALUE;

    /** Latest gauge value per metric (fixed-point) and its event time. */
    public long[] values;
    public long[] valueTimes;
    /** Latest counter total per metric (fixed-point) and its event time. */
    public long[] counters;
    public long[] counterTimes;
    public long lastSeen = NONE;
    public boolean online;
    /** Earliest time among the records waiting for the watermark (MAX_VALUE: none), so most records skip the scan. */
    public long firstPending = Long.MAX_VALUE;
    /** Earliest time among the remembered identities (MAX_VALUE: none), so most timers skip the scan. */
    public long oldestIdentity = Long.MAX_VALUE;

    public AssetTwin() {}

    static AssetTwin empty(int metrics) {
        AssetTwin twin = new AssetTwin();
        twin.values = filled(metrics);
        twin.valueTimes = filled(metrics);
        twin.counters = filled(metrics);
        twin.counterTimes = filled(metrics);
        return twin;
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, NONE);
        return a;
    }
}
