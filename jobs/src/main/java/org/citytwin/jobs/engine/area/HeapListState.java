package org.citytwin.jobs.engine.area;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.ListState;

/**
 * A {@link ListState} of the areas' function with each area's list on the heap: read from keyed
 * state once, changed on the heap, written back before each checkpoint barrier by {@link #writeBack}.
 */
final class HeapListState<T> {

    private final ListState<T> state;
    private final Supplier<String> currentArea;
    private final Map<String, List<T>> lists = new HashMap<>();
    private final Set<String> changed = new HashSet<>();

    HeapListState(ListState<T> state, Supplier<String> currentArea) {
        this.state = state;
        this.currentArea = currentArea;
    }

    /** The elements on the heap. */
    int size() {
        int n = 0;
        for (List<T> list : lists.values()) {
            n += list.size();
        }
        return n;
    }

    /** The current area's list, to read. */
    List<T> get() throws Exception {
        String area = currentArea.get();
        List<T> list = lists.get(area);
        if (list == null) {
            list = new ArrayList<>();
            Iterable<T> stored = state.get();
            if (stored != null) {
                stored.forEach(list::add);
            }
            lists.put(area, list);
        }
        return list;
    }

    void add(T value) throws Exception {
        get().add(value);
        changed.add(currentArea.get());
    }

    void update(List<T> values) {
        String area = currentArea.get();
        lists.put(area, new ArrayList<>(values));
        changed.add(area);
    }

    /** As {@link HeapMapState#writeBack}: empty lists are cleared from keyed state. */
    void writeBack(Consumer<String> setCurrentKey, boolean keep) throws Exception {
        for (String area : changed) {
            setCurrentKey.accept(area);
            List<T> list = lists.get(area);
            if (list.isEmpty()) {
                state.clear();
            } else {
                state.update(list);
            }
        }
        changed.clear();
        if (!keep) {
            lists.clear();
        } else {
            lists.values().removeIf(List::isEmpty);
        }
    }
}
