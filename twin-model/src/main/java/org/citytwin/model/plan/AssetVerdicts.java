package org.citytwin.model.plan;

import org.citytwin.model.asset.Asset;

/**
 * The results of one filter that reads only an asset's static attributes, remembered per asset:
 * a fixed table of {@value #SLOTS} slots (chosen by the asset instance's identity hash, which lives in
 * the object's header at hand — the id string's hash field is one more cache miss — a newer asset
 * taking the slot), so memory is bounded whatever the registry's size. A result is found only for the very
 * {@link Asset} instance it was computed from: assets are immutable values and a registry change
 * puts a new instance, so a result of an older version of an asset is never returned.
 * <p>Thread-safe without a lock: a slot holds an immutable pair (final fields, safely seen through
 * a race); threads racing on a slot at worst recompute a result.
 */
final class AssetVerdicts {
    /** Slots per filter: above the assets of the densest asset type at the default city's scale 1. */
    static final int SLOTS = 1 << 14;
    static final int UNKNOWN = -1;

    private record Verdict(Asset asset, boolean holds) {
    }

    /** Allocated on first use: most filters of a plan copy are never evaluated by its operator. */
    private volatile Verdict[] table;

    /** 1 or 0: the result remembered for this asset instance; {@link #UNKNOWN} when there is none. */
    int lookup(Asset asset) {
        Verdict[] t = table;
        if (t == null) {
            return UNKNOWN;
        }
        Verdict v = t[slot(asset)];
        return v != null && v.asset() == asset ? (v.holds() ? 1 : 0) : UNKNOWN;
    }

    void remember(Asset asset, boolean holds) {
        Verdict[] t = table;
        if (t == null) {
            t = new Verdict[SLOTS];
            table = t;
        }
        t[slot(asset)] = new Verdict(asset, holds);
    }

    private static int slot(Asset asset) {
        int h = System.identityHashCode(asset);
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
