package org.citytwin.jobs.engine.twin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetHistory;
import org.citytwin.model.event.Event;
import org.citytwin.model.plan.PlanIndex;

/**
 * The twin of one asset: its latest gauge readings, counter baselines, when it was last seen and
 * whether it is online, the events waiting for the watermark and the identities that detect a
 * duplicate — all in one value, kept on the heap between checkpoints and written to keyed state at them. Metric arrays are
 * indexed by the metric's position in its asset type. {@link Long#MIN_VALUE} marks "no reading yet".
 */
public final class AssetTwin {

    public static final long NONE = Long.MIN_VALUE;
    private static final Event[] NO_EVENTS = new Event[0];

    /** Latest gauge value per metric (fixed-point) and its event time. */
    public long[] values;
    public long[] valueTimes;
    /** Latest counter total per metric (fixed-point) and its event time. */
    public long[] counters;
    public long[] counterTimes;
    public long lastSeen = NONE;
    public boolean online;
    /** Events waiting for the watermark, in arrival order (applied in event-time order). */
    public Event[] pending = NO_EVENTS;
    /** Earliest time among {@link #pending} (MAX_VALUE: none). */
    public long firstPending = Long.MAX_VALUE;
    /** Identities of the events applied or waiting that could still arrive again within the lateness, and their times. */
    public String[] identities = new String[0];
    public long[] identityTimes = new long[0];
    /** Earliest of {@link #identityTimes} (MAX_VALUE: none), so most calls skip the scan. */
    public long oldestIdentity = Long.MAX_VALUE;
    /** The second at which the asset is listed for the release of its first waiting event (NONE: not listed). */
    public long releaseAt = NONE;
    /** The second at which the asset's silence is checked (NONE: not listed). */
    public long silenceTimer = NONE;
    /** The street the asset's gauge parts were added to (null: none yet). */
    public String street;
    /** {@link #fingerprint} of the registry entry the parts were computed with. */
    public int assetFingerprint;
    /** The {@code valid_from} of that entry as registered ({@code AssetHistory.ALWAYS}: none). */
    public long followedFrom = AssetHistory.ALWAYS;
    /**
     * Per gauge group of the asset's type ({@code PlanIndex.gaugeGroupPosition}): the part the
     * asset added and its membership ({@code GaugeChanges.NEW_INCLUDED | NEW_MATCHES} bits), so
     * the next change takes out exactly what was added.
     */
    public long[] parts;
    public byte[] memberships;

    // On the heap only (not in keyed state): what spares a record the look-ups its twin has done before.
    /** The asset's id: the key the twin is kept under. */
    String key;
    /** The asset's registry history last resolved, its type (null: unknown), and the registry's version then. */
    AssetHistory history;
    PlanIndex.TypeIndex resolvedType;
    long resolvedVersion = NONE;
    /** The registry entry the parts were last computed with (null: none since the twin was read). */
    Asset followed;
    /** The second at which the asset is listed for its next registry entry (NONE: not listed). */
    long registryAt = NONE;
    /** The feed partition of the asset's last record (-1: none since the twin was read). */
    int partition = -1;
    /** Whether it changed since it was last written to keyed state. */
    boolean dirty;

    public AssetTwin() {}

    static AssetTwin empty(int metrics) {
        AssetTwin twin = new AssetTwin();
        twin.values = filled(metrics);
        twin.valueTimes = filled(metrics);
        twin.counters = filled(metrics);
        twin.counterTimes = filled(metrics);
        return twin;
    }

    /** Whether an event with this identity was received and could still arrive again. */
    boolean remembers(String identity) {
        for (String known : identities) {
            if (known.equals(identity)) {
                return true;
            }
        }
        return false;
    }

    void remember(String identity, long time) {
        int n = identities.length;
        identities = Arrays.copyOf(identities, n + 1);
        identityTimes = Arrays.copyOf(identityTimes, n + 1);
        identities[n] = identity;
        identityTimes[n] = time;
        oldestIdentity = Math.min(oldestIdentity, time);
    }

    /** Forgets the identities of events at or before {@code horizon}. */
    void forgetIdentitiesUpTo(long horizon) {
        int kept = 0;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < identities.length; i++) {
            if (identityTimes[i] > horizon) {
                identities[kept] = identities[i];
                identityTimes[kept++] = identityTimes[i];
                oldest = Math.min(oldest, identityTimes[i]);
            }
        }
        identities = Arrays.copyOf(identities, kept);
        identityTimes = Arrays.copyOf(identityTimes, kept);
        oldestIdentity = oldest;
    }

    /** Holds an event until the watermark passes it. */
    void hold(Event event) {
        pending = Arrays.copyOf(pending, pending.length + 1);
        pending[pending.length - 1] = event;
        firstPending = Math.min(firstPending, event.time());
    }

    /** Takes the waiting events at or before {@code watermark}, in event-time order (arrival order within a time). */
    List<Event> releaseUpTo(long watermark) {
        int due = 0;
        for (Event event : pending) {
            if (event.time() <= watermark) {
                due++;
            }
        }
        if (due == pending.length) { // the common case: all of them (mostly one)
            List<Event> all = Arrays.asList(pending);
            if (due > 1) {
                all.sort(Comparator.comparingLong(Event::time)); // stable
            }
            dropPending();
            return all;
        }
        List<Event> released = new ArrayList<>(due);
        Event[] waiting = new Event[pending.length - due];
        int kept = 0;
        long first = Long.MAX_VALUE;
        for (Event event : pending) {
            if (event.time() <= watermark) {
                released.add(event);
            } else {
                waiting[kept++] = event;
                first = Math.min(first, event.time());
            }
        }
        released.sort(Comparator.comparingLong(Event::time)); // stable
        pending = waiting;
        firstPending = first;
        return released;
    }

    void dropPending() {
        pending = NO_EVENTS;
        firstPending = Long.MAX_VALUE;
    }

    /** Sets up the remembered parts on the first gauge change of the asset. */
    void contributing(int gaugeGroups, Asset asset) {
        if (street == null) {
            street = asset.street();
            assetFingerprint = fingerprint(asset);
            parts = new long[gaugeGroups];
            memberships = new byte[gaugeGroups];
        }
    }

    /** What of a registry entry the parts depend on: its street and attributes. */
    static int fingerprint(Asset asset) {
        return java.util.Objects.hash(asset.street(), asset.attributes());
    }

    /** A remembered membership (NEW_* bits) as the OLD_* bits of the next change. */
    static byte asOld(byte membership) {
        return (byte) (membership >> 2);
    }

    private static long[] filled(int n) {
        long[] a = new long[n];
        Arrays.fill(a, NONE);
        return a;
    }
}
