package org.citytwin.jobs.engine.area;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.MapState;

/**
 * A {@link MapState} of the areas' function with the entries in use on the heap: read from keyed
 * state once, changed on the heap, and written back (changes and removals) before each checkpoint
 * barrier by {@link #writeBack}. The current area comes from the function.
 */
final class HeapMapState<K, V> {

    private final MapState<K, V> state;
    private final Supplier<String> currentArea;
    /** Per area, the entries read or written (a null value: absent). */
    private final Map<String, Map<K, V>> entries = new HashMap<>();
    /** Per area, the keys changed or removed since the last write-back. */
    private final Map<String, Set<K>> changed = new HashMap<>();

    HeapMapState(MapState<K, V> state, Supplier<String> currentArea) {
        this.state = state;
        this.currentArea = currentArea;
    }

    /** The entries on the heap, absent ones included. */
    int size() {
        int n = 0;
        for (Map<K, V> values : entries.values()) {
            n += values.size();
        }
        return n;
    }

    V get(K key) throws Exception {
        Map<K, V> area = entries.computeIfAbsent(currentArea.get(), a -> new HashMap<>());
        if (area.containsKey(key)) {
            return area.get(key);
        }
        V value = state.get(key);
        area.put(key, value);
        return value;
    }

    void put(K key, V value) {
        String area = currentArea.get();
        entries.computeIfAbsent(area, a -> new HashMap<>()).put(key, value);
        changed.computeIfAbsent(area, a -> new HashSet<>()).add(key);
    }

    void remove(K key) {
        put(key, null);
    }

    /**
     * Writes what changed to keyed state, area by area ({@code setCurrentKey}); forgets the absent
     * entries, and every entry unless {@code keep} (a backend that stores a copy: the heap's
     * objects are not the state's).
     */
    void writeBack(Consumer<String> setCurrentKey, boolean keep) throws Exception {
        for (Map.Entry<String, Set<K>> area : changed.entrySet()) {
            setCurrentKey.accept(area.getKey());
            Map<K, V> values = entries.get(area.getKey());
            for (K key : area.getValue()) {
                V value = values.get(key);
                if (value == null) {
                    state.remove(key);
                } else {
                    state.put(key, value);
                }
            }
        }
        changed.clear();
        if (!keep) {
            entries.clear();
            return;
        }
        for (Map<K, V> values : entries.values()) {
            Iterator<V> it = values.values().iterator();
            while (it.hasNext()) {
                if (it.next() == null) {
                    it.remove();
                }
            }
        }
    }
}
