package org.citytwin.model.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.AreaLevel;

/**
 * What the engine's operators derive once from the plan they hold: metric positions per asset
 * type, which levels each slot is computed at, the base tick that divides every gauge and derived
 * period, the inputs of each formula — and the accumulator groups.
 *
 * <p>An accumulator group is the set of slots that read the same source (asset type, metric or
 * event kind, attribute), through the same filter, condition and offline rule, over the same
 * period, levels and resolution, and differ only in their aggregation: the average, sum, minimum and maximum of one
 * metric, or the count, rate and 95th percentile of one event. They share one accumulator, so the
 * twins, the pre-aggregation and the areas do each group's work once and every slot of the group
 * reads its value from it.
 */
public final class PlanIndex {

    private static final int[] NO_SLOTS = new int[0];

    private final Map<String, Map<String, Integer>> metricPositions = new HashMap<>();
    private final boolean[][] computedAt;
    private final int[][] formulaInputs;
    private final int[][] dependents;
    private final long baseTickMs;
    private final int[] groupOf;
    private final int[][] groupSlots;
    private final int[][] groupDependents;
    private final boolean[] keepsValues;
    private final boolean[] keepsLabels;
    private final boolean[] keepsSketch;
    private final int[] gaugeGroupPosition;
    private final int[] groupMetricPosition;
    private final MetricDef[] groupMetric;
    private final Map<String, TypeIndex> byType = new HashMap<>();
    private final EvaluationPlan plan;

    public PlanIndex(EvaluationPlan plan) {
        this.plan = plan;
        for (AssetType type : plan.assetTypes().all()) {
            Map<String, Integer> positions = new HashMap<>();
            for (String metric : type.metrics().keySet()) {
                positions.put(metric, positions.size());
            }
            metricPositions.put(type.name(), positions);
        }
        computedAt = new boolean[plan.size()][AreaLevel.values().length];
        Map<String, List<Integer>> gauges = new HashMap<>();
        long gcd = 0;
        formulaInputs = new int[plan.size()][];
        List<List<Integer>> dependentLists = new ArrayList<>();
        for (int s = 0; s < plan.size(); s++) {
            dependentLists.add(new ArrayList<>());
        }
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
                formulaInputs[s] = plan.formulaInputs(s);
                for (int input : formulaInputs[s]) {
                    dependentLists.get(input).add(s);
                }
            }
        }
        dependents = new int[plan.size()][];
        for (int s = 0; s < plan.size(); s++) {
            dependents[s] = dependentLists.get(s).stream().mapToInt(i -> i).toArray();
        }
        baseTickMs = gcd == 0 ? 60_000 : gcd;

        groupOf = new int[plan.size()];
        Map<List<Object>, Integer> groupBySource = new HashMap<>();
        List<List<Integer>> members = new ArrayList<>();
        for (int s = 0; s < plan.size(); s++) {
            CompiledIndicator indicator = plan.slot(s);
            if (indicator.source() == SourceKind.DERIVED) {
                groupOf[s] = -1;
                continue;
            }
            groupOf[s] = groupBySource.computeIfAbsent(sourceOf(indicator), k -> {
                members.add(new ArrayList<>());
                return members.size() - 1;
            });
            members.get(groupOf[s]).add(s);
        }
        groupSlots = new int[members.size()][];
        groupDependents = new int[members.size()][];
        keepsValues = new boolean[members.size()];
        keepsLabels = new boolean[members.size()];
        keepsSketch = new boolean[members.size()];
        for (int g = 0; g < members.size(); g++) {
            groupSlots[g] = members.get(g).stream().mapToInt(i -> i).toArray();
            Set<Integer> groupDependentSet = new java.util.TreeSet<>();
            for (int slot : groupSlots[g]) {
                Aggregation aggregation = plan.slot(slot).aggregation();
                keepsValues[g] |= aggregation == Aggregation.MIN || aggregation == Aggregation.MAX;
                keepsLabels[g] |= aggregation == Aggregation.DISTINCT;
                keepsSketch[g] |= aggregation.isPercentile();
                for (int d : dependents[slot]) {
                    groupDependentSet.add(d);
                }
            }
            groupDependents[g] = groupDependentSet.stream().mapToInt(i -> i).toArray();
        }
        groupMetricPosition = new int[members.size()];
        groupMetric = new MetricDef[members.size()];
        for (int g = 0; g < members.size(); g++) {
            Indicator source = plan.slot(groupSlots[g][0]).indicator();
            AssetType type = source.metric() == null ? null : plan.assetTypes().get(source.assetType());
            groupMetricPosition[g] = type == null ? -1 : metricPosition(type.name(), source.metric());
            groupMetric[g] = type == null ? null : type.metric(source.metric());
        }
        gaugeGroupPosition = new int[members.size()];
        for (AssetType type : plan.assetTypes().all()) {
            int[] gaugeGroups = groupsOf(gauges.getOrDefault(type.name(), List.of()).stream().mapToInt(i -> i).toArray());
            for (int k = 0; k < gaugeGroups.length; k++) {
                gaugeGroupPosition[gaugeGroups[k]] = k;
            }
            Map<String, MetricRoute> routes = new HashMap<>();
            for (String metric : type.metrics().keySet()) {
                routes.put(metric, new MetricRoute(metricPosition(type.name(), metric), type.metric(metric),
                        groupsOf(plan.slotsForReading(type.name(), metric))));
            }
            Map<String, int[]> eventGroups = new HashMap<>();
            for (String kind : type.events().keySet()) {
                eventGroups.put(kind, groupsOf(plan.slotsForEvent(type.name(), kind)));
            }
            byType.put(type.name(), new TypeIndex(type, gaugeGroups, routes, eventGroups));
        }
    }

    /** What makes two slots share an accumulator: everything but the aggregation. */
    private static List<Object> sourceOf(CompiledIndicator indicator) {
        var i = indicator.indicator();
        return java.util.Arrays.asList(i.source(), i.assetType(), i.metric(), i.event(), i.attribute(), i.filter(),
                i.condition(), i.offlineKeep(), i.periodMs(), i.levels(), i.resolution());
    }

    /** The distinct groups of these slots, in order of first appearance. */
    private int[] groupsOf(int[] slots) {
        return java.util.Arrays.stream(slots).map(s -> groupOf[s]).distinct().toArray();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** Position of a metric within its asset type, or -1. */
    public int metricPosition(String type, String metric) {
        Integer p = metricPositions.getOrDefault(type, Map.of()).get(metric);
        return p == null ? -1 : p;
    }

    public int metricCount(String type) {
        TypeIndex index = of(type);
        return index == null ? 0 : index.metricCount();
    }

    /** What the index holds for one asset type, or null for an unknown type: found once, then at hand. */
    public TypeIndex of(String type) {
        return byType.get(type);
    }

    public boolean computedAt(int slot, AreaLevel level) {
        return computedAt[slot][level.ordinal()];
    }

    /** The slots a formula reads, ascending. */
    public int[] formulaInputs(int slot) {
        return formulaInputs[slot];
    }

    /** The formula slots that read this slot. */
    public int[] dependents(int slot) {
        return dependents[slot];
    }

    /** The accumulator group of a non-derived slot. */
    public int groupOf(int slot) {
        return groupOf[slot];
    }

    public int groupCount() {
        return groupSlots.length;
    }

    /** The slots of a group, ascending. */
    public int[] groupSlots(int group) {
        return groupSlots[group];
    }

    /** A slot standing for the group's source, filter, period, levels and resolution. */
    public CompiledIndicator groupSource(int group) {
        return plan.slot(groupSlots[group][0]);
    }

    /** The formula slots that read a slot of the group. */
    public int[] groupDependents(int group) {
        return groupDependents[group];
    }

    /** Whether the group's accumulator keeps its values as a multiset (a MIN or MAX slot reads it). */
    public boolean keepsValues(int group) {
        return keepsValues[group];
    }

    /** Whether the group's window accumulator keeps the distinct labels (a DISTINCT slot reads it). */
    public boolean keepsLabels(int group) {
        return keepsLabels[group];
    }

    /** Whether the group's window accumulator keeps a sketch (a percentile slot reads it). */
    public boolean keepsSketch(int group) {
        return keepsSketch[group];
    }

    /** The gauge groups of an asset type (re-evaluated when an asset goes on- or offline). */
    public int[] gaugeGroups(String type) {
        TypeIndex index = of(type);
        return index == null ? NO_SLOTS : index.gaugeGroups();
    }

    /** The position of a gauge group among its asset type's {@link #gaugeGroups}. */
    public int gaugeGroupPosition(int group) {
        return gaugeGroupPosition[group];
    }

    /** The position of the metric a reading group reads within its asset type (-1 for event groups). */
    public int groupMetricPosition(int group) {
        return groupMetricPosition[group];
    }

    /** The metric a reading group reads (null for event groups). */
    public MetricDef groupMetric(int group) {
        return groupMetric[group];
    }

    /** The groups reading a metric of an asset type (gauge or counter). */
    public int[] readingGroups(String type, String metric) {
        MetricRoute route = route(type, metric);
        return route == null ? NO_SLOTS : route.groups();
    }

    /** Where a reading of a metric of an asset type goes, in one look-up; null for an undeclared metric. */
    public MetricRoute route(String type, String metric) {
        TypeIndex index = of(type);
        return index == null ? null : index.route(metric);
    }

    /** A metric of an asset type: its position in the type, its definition, and the groups reading it. */
    public record MetricRoute(int position, MetricDef metric, int[] groups) {}

    /** The groups reading an event kind of an asset type. */
    public int[] eventGroups(String type, String kind) {
        TypeIndex index = of(type);
        return index == null ? NO_SLOTS : index.eventGroups(kind);
    }

    /**
     * One asset type's part of the index: its metric count, its gauge groups, where each of its
     * metrics and event kinds goes. A twin keeps its type's, so a record looks up only its metric
     * names and event kind, not its type's name in every table.
     */
    public record TypeIndex(AssetType type, int[] gaugeGroups, Map<String, MetricRoute> routes,
            Map<String, int[]> eventGroupsByKind) {

        public int metricCount() {
            return type.metrics().size();
        }

        /** Where a reading of a metric goes; null for an undeclared metric. */
        public MetricRoute route(String metric) {
            return routes.get(metric);
        }

        /** The groups reading an event kind. */
        public int[] eventGroups(String kind) {
            return eventGroupsByKind.getOrDefault(kind, NO_SLOTS);
        }

        public long silenceTimeoutMs() {
            return type.silenceTimeoutMs();
        }
    }

    public long baseTickMs() {
        return baseTickMs;
    }

    /** The end of the period containing {@code time}, for state ticks: the first multiple of the period ≥ time. */
    public static long tickEnd(long time, long periodMs) {
        return Math.floorDiv(time + periodMs - 1, periodMs) * periodMs;
    }

    /** The end of the window [end − period, end) containing {@code time}. */
    public static long windowEnd(long time, long periodMs) {
        return Math.floorDiv(time, periodMs) * periodMs + periodMs;
    }
}
