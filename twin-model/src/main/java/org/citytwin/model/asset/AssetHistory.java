package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * The registry entries of one asset by the event time from which each applies ({@code valid_from}):
 * a move to another street or changed attributes, registered ahead, take effect when the feed's
 * watermark passes that time. An entry without {@code valid_from} applies from the beginning; before
 * an asset's earliest entry that entry applies. Immutable: the registry replaces a history when an
 * entry is added.
 */
public final class AssetHistory implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The {@code valid_from} of an entry that has none: it applies from the beginning. */
    public static final long ALWAYS = Long.MIN_VALUE;

    /** Ascending, without repeats; {@code entries[i]} applies from {@code validFrom[i]}. */
    private final long[] validFrom;
    private final Asset[] entries;
    /** The one entry of an asset that has one (most have), else null: a reader's check without the arrays. */
    private final Asset only;

    private AssetHistory(long[] validFrom, Asset[] entries) {
        this.validFrom = validFrom;
        this.entries = entries;
        this.only = entries.length == 1 ? entries[0] : null;
    }

    static AssetHistory of(Asset asset, long validFrom) {
        return new AssetHistory(new long[] {validFrom}, new Asset[] {asset});
    }

    /**
     * This history with {@code asset} from {@code from} (replacing the entry of that time). An
     * asset keeps its type: another type is another asset, registered under another id.
     */
    AssetHistory with(Asset asset, long from) {
        if (!asset.type().equals(entries[0].type())) {
            throw new IllegalArgumentException("asset '" + asset.id() + "' changes its type from '"
                    + entries[0].type() + "' to '" + asset.type() + "': register the new device under a new id");
        }
        int at = Arrays.binarySearch(validFrom, from);
        if (at >= 0) {
            Asset[] replaced = entries.clone();
            replaced[at] = asset;
            return new AssetHistory(validFrom, replaced);
        }
        int insert = -at - 1;
        long[] times = Arrays.copyOf(validFrom, validFrom.length + 1);
        Asset[] assets = Arrays.copyOf(entries, entries.length + 1);
        System.arraycopy(validFrom, insert, times, insert + 1, validFrom.length - insert);
        System.arraycopy(entries, insert, assets, insert + 1, entries.length - insert);
        times[insert] = from;
        assets[insert] = asset;
        return new AssetHistory(times, assets);
    }

    /** The entry that applies at event time {@code time}. */
    public Asset at(long time) {
        return only != null ? only : entries[indexAt(time)];
    }

    /** The asset's one entry if it has one, else null. */
    public Asset only() {
        return only;
    }

    /** The position of the entry that applies at event time {@code time}. */
    public int indexAt(long time) {
        if (only != null) {
            return 0;
        }
        int i = Arrays.binarySearch(validFrom, time);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    /** The position of the entry registered with this {@code valid_from}, or -1. */
    public int indexOf(long registeredFrom) {
        int i = Arrays.binarySearch(validFrom, registeredFrom);
        return i >= 0 ? i : -1;
    }

    /** The entry at this position. */
    public Asset entry(int index) {
        return entries[index];
    }

    /** The time from which the entry at this position applies: {@link #ALWAYS} for the earliest. */
    public long appliesFrom(int index) {
        return index == 0 ? ALWAYS : validFrom[index];
    }

    /** The earliest time after {@code time} at which another entry takes effect; MAX_VALUE if none. */
    public long nextChangeAfter(long time) {
        if (only != null) {
            return Long.MAX_VALUE;
        }
        int i = Arrays.binarySearch(validFrom, time);
        int next = i >= 0 ? i + 1 : -i - 1;
        return next < validFrom.length ? validFrom[next] : Long.MAX_VALUE;
    }

    /** The entry of the latest {@code valid_from}. */
    public Asset latest() {
        return entries[entries.length - 1];
    }

    /** Every entry, in the order of their {@code valid_from}. */
    public List<Asset> entries() {
        return List.of(entries);
    }

    /** The {@code valid_from} of {@link #entries}{@code .get(i)} as registered ({@link #ALWAYS}: none). */
    public long validFromAt(int i) {
        return validFrom[i];
    }
}
