package org.citytwin.jobs.engine.area;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.Area;

/**
 * Which windows are written as 0 where nothing happened (docs/indicator-semantics.md): per window
 * period, the areas in which assets of a counting group's asset type (for events of any type:
 * the types declaring the kind) are registered, with those
 * groups — a counting group being a window group one of whose slots counts, sums or rates
 * ({@link org.citytwin.model.catalog.Aggregation#windowZeroWhenEmpty}). Derived from the registry
 * and rebuilt when it changes (a registry followed from Kafka).
 */
final class ZeroWindows {

    private final EvaluationPlan plan;
    private final PlanIndex index;
    private final AssetRegistry registry;
    private long builtAt = -1;
    /** Period → area code → counting groups registered there, ascending. */
    private Map<Long, Map<String, int[]>> byPeriod = Map.of();

    ZeroWindows(EvaluationPlan plan, PlanIndex index, AssetRegistry registry) {
        this.plan = plan;
        this.index = index;
        this.registry = registry;
    }

    /** Area code → the counting groups of this period whose source assets are registered there. */
    Map<String, int[]> areas(long periodMs) {
        if (builtAt != registry.version()) {
            builtAt = registry.version();
            byPeriod = build();
        }
        return byPeriod.getOrDefault(periodMs, Map.of());
    }

    /** The indicator's asset type, or for events of any asset type every type that declares the kind. */
    private List<String> sourceTypes(CompiledIndicator indicator) {
        String type = indicator.indicator().assetType();
        if (type != null) {
            return List.of(type);
        }
        List<String> types = new ArrayList<>();
        for (AssetType t : plan.assetTypes().all()) {
            if (t.events().containsKey(indicator.indicator().event())) {
                types.add(t.name());
            }
        }
        return types;
    }

    private Map<Long, Map<String, int[]>> build() {
        Map<String, List<Integer>> groupsByType = new HashMap<>();
        for (int g = 0; g < index.groupCount(); g++) {
            CompiledIndicator source = index.groupSource(g);
            if (source.source() == SourceKind.GAUGE) {
                continue;
            }
            for (int slot : index.groupSlots(g)) {
                if (plan.slot(slot).aggregation().windowZeroWhenEmpty()) {
                    for (String type : sourceTypes(source)) {
                        groupsByType.computeIfAbsent(type, t -> new ArrayList<>()).add(g);
                    }
                    break;
                }
            }
        }
        // Assets of one type in one street register the same groups: one pass per (type, street).
        Map<String, Set<String>> streetsByType = new HashMap<>();
        for (Asset asset : registry.allEntries()) {
            if (groupsByType.containsKey(asset.type())) {
                streetsByType.computeIfAbsent(asset.type(), t -> new HashSet<>()).add(asset.street());
            }
        }
        Map<Long, Map<String, TreeSet<Integer>>> sets = new HashMap<>();
        for (Map.Entry<String, Set<String>> typeStreets : streetsByType.entrySet()) {
            for (String street : typeStreets.getValue()) {
                addRegistered(groupsByType.get(typeStreets.getKey()), street, sets);
            }
        }
        Map<Long, Map<String, int[]>> built = new HashMap<>();
        sets.forEach((period, areas) -> {
            Map<String, int[]> byArea = new HashMap<>();
            areas.forEach((area, groups) -> byArea.put(area, groups.stream().mapToInt(Integer::intValue).toArray()));
            built.put(period, byArea);
        });
        return built;
    }

    /** Adds the groups to the street and its ancestors, per period, where each is computed. */
    private void addRegistered(List<Integer> groups, String street, Map<Long, Map<String, TreeSet<Integer>>> sets) {
        List<Area> areas = plan.topology().area(street) == null ? List.of() : plan.topology().ancestorsAndSelf(street);
        for (int g : groups) {
            CompiledIndicator source = index.groupSource(g);
            for (Area area : areas) {
                if (index.computedAt(source.slot(), area.level())) {
                    sets.computeIfAbsent(source.periodMs(), p -> new HashMap<>())
                            .computeIfAbsent(area.code(), a -> new TreeSet<>()).add(g);
                }
            }
        }
    }
}
