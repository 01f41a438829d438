package org.citytwin.jobs.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.AreaLevel;

/**
 * What the engine's operators derive once from the plan they hold: metric positions per asset
 * type, the gauge slots of each type (re-evaluated when an asset goes on- or offline), which
 * levels each slot is computed at, the base tick that divides every gauge and derived period, and
 * the inputs of each formula.
 */
final class PlanIndex {

    private static final int[] NO_SLOTS = new int[0];

    private final Map<String, Map<String, Integer>> metricPositions = new HashMap<>();
    private final Map<String, int[]> gaugeSlotsByType = new HashMap<>();
    private final Map<String, Map<String, int[]>> readingRoutes = new HashMap<>();
    private final boolean[][] computedAt;
    private final int[][] formulaInputs;
    private final int[][] dependents;
    private final long baseTickMs;

    PlanIndex(EvaluationPlan plan) {
        for (AssetType type : plan.assetTypes().all()) {
            Map<String, Integer> positions = new HashMap<>();
            for (String metric : type.metrics().keySet()) {
                positions.put(metric, positions.size());
            }
            metricPositions.put(type.name(), positions);
            Map<String, int[]> routes = new HashMap<>();
            for (String metric : type.metrics().keySet()) {
                routes.put(metric, plan.slotsForReading(type.name(), metric));
            }
            readingRoutes.put(type.name(), routes);
        }
        computedAt = new boolean[plan.size()][AreaLevel.values().length];
        Map<String, List<Integer>> gauges = new HashMap<>();
        long gcd = 0;
        formulaInputs = new int[plan.size()][];
        List<List<Integer>> dependentLists = new ArrayList<>();
        for (int s = 0; s < plan.size(); s++) {
            dependentLists.add(new ArrayList<>());
        }
        Expressions expressions = new Expressions(plan.assetTypes());
        Set<String> ids = new LinkedHashSet<>();
        for (int s = 0; s < plan.size(); s++) {
            ids.add(plan.slot(s).id());
        }
        expressions.declareIndicators(ids);
        for (int s = 0; s < plan.size(); s++) {
            CompiledIndicator indicator = plan.slot(s);
            for (AreaLevel level : indicator.levels()) {
                computedAt[s][level.ordinal()] = true;
            }
            if (indicator.source() == SourceKind.GAUGE) {
                gauges.computeIfAbsent(indicator.indicator().assetType(), k -> new ArrayList<>()).add(s);
            }
            if (indicator.source() == SourceKind.GAUGE || indicator.source() == SourceKind.DERIVED) {
                gcd = gcd(gcd, indicator.periodMs());
            }
            if (indicator.source() == SourceKind.DERIVED) {
                formulaInputs[s] = expressions.compileFormula(indicator.indicator().formula()).references().stream()
                        .mapToInt(plan::slotOf).filter(i -> i >= 0).sorted().distinct().toArray();
                for (int input : formulaInputs[s]) {
                    dependentLists.get(input).add(s);
                }
            }
        }
        gauges.forEach((type, slots) -> gaugeSlotsByType.put(type, slots.stream().mapToInt(i -> i).toArray()));
        dependents = new int[plan.size()][];
        for (int s = 0; s < plan.size(); s++) {
            dependents[s] = dependentLists.get(s).stream().mapToInt(i -> i).toArray();
        }
        baseTickMs = gcd == 0 ? 60_000 : gcd;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Position of a metric within its asset type, or -1. */
    int metricPosition(String type, String metric) {
        Integer p = metricPositions.getOrDefault(type, Map.of()).get(metric);
        return p == null ? -1 : p;
    }

    int metricCount(String type) {
        return metricPositions.getOrDefault(type, Map.of()).size();
    }

    int[] gaugeSlots(String type) {
        return gaugeSlotsByType.getOrDefault(type, NO_SLOTS);
    }

    boolean computedAt(int slot, AreaLevel level) {
        return computedAt[slot][level.ordinal()];
    }

    /** The slots reading a metric of an asset type (the plan's routing, without building a key per call). */
    int[] readingSlots(String type, String metric) {
        int[] slots = readingRoutes.getOrDefault(type, Map.of()).get(metric);
        return slots == null ? NO_SLOTS : slots;
    }

    /** The slots a formula reads, ascending. */
    int[] formulaInputs(int slot) {
        return formulaInputs[slot];
    }

    /** The formula slots that read this slot. */
    int[] dependents(int slot) {
        return dependents[slot];
    }

    long baseTickMs() {
        return baseTickMs;
    }

    /** The end of the period containing {@code time}, for state ticks: the first multiple of the period ≥ time. */
    static long tickEnd(long time, long periodMs) {
        return Math.floorDiv(time + periodMs - 1, periodMs) * periodMs;
    }

    /** The end of the window [end − period, end) containing {@code time}. */
    static long windowEnd(long time, long periodMs) {
        return Math.floorDiv(time, periodMs) * periodMs + periodMs;
    }
}
