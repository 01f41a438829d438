package org.citytwin.model.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per category: how many indicators, over how many distinct data sources (an asset type's metric or
 * event kind), how many alert, how many are headline figures. What {@code twin catalog --stats} prints.
 */
public record CategoryStats(Category category, int indicators, int sources, int alerting, int headline) {

    /** The stats of every category of {@code catalog}, in category order. */
    public static List<CategoryStats> of(Catalog catalog) {
        Map<String, List<Indicator>> byCategory = new LinkedHashMap<>();
        catalog.categories().forEach(c -> byCategory.put(c.id(), new ArrayList<>()));
        catalog.indicators().forEach(i -> byCategory.get(i.category()).add(i));
        List<CategoryStats> out = new ArrayList<>();
        for (Category c : catalog.categories()) {
            List<Indicator> own = byCategory.get(c.id());
            out.add(new CategoryStats(c, own.size(), sources(own).size(),
                    (int) own.stream().filter(i -> i.alert() != null).count(),
                    (int) own.stream().filter(Indicator::headline).count()));
        }
        return out;
    }

    /** Distinct sources read: {@code asset_type.metric} or {@code asset_type.event} ({@code *.event} for any type). */
    public static Set<String> sources(List<Indicator> indicators) {
        Set<String> s = new LinkedHashSet<>();
        for (Indicator i : indicators) {
            if (i.source() != SourceKind.DERIVED) {
                s.add((i.assetType() == null ? "*" : i.assetType()) + "." + (i.metric() != null ? i.metric() : i.event()));
            }
        }
        return s;
    }
}
