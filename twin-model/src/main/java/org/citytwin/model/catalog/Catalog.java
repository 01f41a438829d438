package org.citytwin.model.catalog;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated indicator catalog: categories and indicators in file order. */
public final class Catalog implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Category> categories;
    private final List<Indicator> indicators;
    private final Map<String, Indicator> byId = new LinkedHashMap<>();

    public Catalog(List<Category> categories, List<Indicator> indicators) {
        this.categories = List.copyOf(categories);
        this.indicators = List.copyOf(indicators);
        for (Indicator i : indicators) {
            byId.put(i.id(), i);
        }
    }

    public List<Category> categories() { return categories; }

    public List<Indicator> indicators() { return indicators; }

    /** The indicator with this id, or null. */
    public Indicator get(String id) { return byId.get(id); }

    public int size() { return indicators.size(); }

    /** Indicators per category id, in category order. */
    public Map<String, Integer> countsByCategory() {
        Map<String, Integer> m = new LinkedHashMap<>();
        categories.forEach(c -> m.put(c.id(), 0));
        indicators.forEach(i -> m.merge(i.category(), 1, Integer::sum));
        return Collections.unmodifiableMap(m);
    }

    public Map<Aggregation, Integer> countsByAggregation() {
        Map<Aggregation, Integer> m = new EnumMap<>(Aggregation.class);
        indicators.forEach(i -> m.merge(i.aggregation(), 1, Integer::sum));
        return m;
    }
}
