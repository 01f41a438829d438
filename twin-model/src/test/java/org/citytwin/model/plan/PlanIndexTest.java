package org.citytwin.model.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.AreaLevel;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

/** What the engine's operators derive from the plan, checked against the shipped catalog read on its own. */
class PlanIndexTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final Catalog CATALOG = CatalogLoader.load("shanghai");
    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CATALOG, TYPES, CityTopology.load("shanghai"));
    private static final PlanIndex INDEX = new PlanIndex(PLAN);

    /** The indicator with everything that only names or describes it, and its aggregation, blanked. */
    private static Indicator source(Indicator i) {
        return new Indicator("", "", "", "", "", i.source(), i.assetType(), i.metric(), i.event(), i.attribute(),
                i.filter(), i.condition(), null, i.periodMs(), i.levels(), null, null, i.resolution(), "", "", false,
                i.offlineKeep(), "", 0);
    }

    private static int slot(String id) {
        return PLAN.slotOf(id);
    }

    @Test
    void slotsShareAnAccumulatorGroupExactlyWhenTheyDifferOnlyInTheirAggregation() {
        Map<Indicator, Integer> groupBySource = new LinkedHashMap<>();
        for (int s = 0; s < PLAN.size(); s++) {
            Indicator indicator = CATALOG.indicators().get(s);
            if (indicator.source() == SourceKind.DERIVED) {
                assertThat(INDEX.groupOf(s)).isEqualTo(-1);
                continue;
            }
            Integer expected = groupBySource.putIfAbsent(source(indicator), groupBySource.size());
            assertThat(INDEX.groupOf(s)).as(indicator.id()).isEqualTo(expected == null ? groupBySource.size() - 1 : expected);
        }
        assertThat(INDEX.groupCount()).isEqualTo(groupBySource.size());
        // The average AQI and the count of stations read the same latest AQI; the count of polluted
        // stations has a filter of its own, the roadside NO2 average another metric and filter.
        assertThat(INDEX.groupOf(slot("air_aqi_avg"))).isEqualTo(INDEX.groupOf(slot("air_station_count")));
        assertThat(INDEX.groupOf(slot("air_stations_polluted"))).isNotEqualTo(INDEX.groupOf(slot("air_aqi_avg")));
        assertThat(INDEX.groupSlots(INDEX.groupOf(slot("air_aqi_avg"))))
                .contains(slot("air_aqi_avg"), slot("air_station_count"))
                .doesNotContain(slot("air_stations_polluted"), slot("air_good_share"));
    }

    @Test
    void aGroupListsItsSlotsAscendingAndKeepsWhatItsAggregationsNeed() {
        for (int g = 0; g < INDEX.groupCount(); g++) {
            int group = g;
            int[] expected = java.util.stream.IntStream.range(0, PLAN.size()).filter(s -> INDEX.groupOf(s) == group).toArray();
            assertThat(INDEX.groupSlots(g)).isEqualTo(expected);
            assertThat(INDEX.groupSource(g)).isSameAs(PLAN.slot(expected[0]));
            List<Aggregation> aggregations = Arrays.stream(expected).mapToObj(s -> CATALOG.indicators().get(s).aggregation())
                    .toList();
            assertThat(INDEX.keepsValues(g)).isEqualTo(aggregations.contains(Aggregation.MIN)
                    || aggregations.contains(Aggregation.MAX));
            assertThat(INDEX.keepsLabels(g)).isEqualTo(aggregations.contains(Aggregation.DISTINCT));
            assertThat(INDEX.keepsSketch(g)).isEqualTo(aggregations.stream().anyMatch(a -> a == Aggregation.P50
                    || a == Aggregation.P95 || a == Aggregation.P99));
        }
    }

    /** The catalog ids named in a formula's text, as slots, ascending. */
    private static int[] idsIn(String formula) {
        Set<Integer> slots = new TreeSet<>();
        Matcher word = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*").matcher(formula);
        while (word.find()) {
            if (PLAN.slotOf(word.group()) >= 0) {
                slots.add(PLAN.slotOf(word.group()));
            }
        }
        return slots.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aFormulaReadsTheIndicatorsItNamesAndEachIsReadByItsFormulas() {
        Map<Integer, Set<Integer>> readers = new HashMap<>();
        int formulas = 0;
        for (int s = 0; s < PLAN.size(); s++) {
            Indicator indicator = CATALOG.indicators().get(s);
            if (indicator.formula() == null) {
                assertThat(INDEX.formulaInputs(s)).isNull();
                continue;
            }
            formulas++;
            int[] inputs = idsIn(indicator.formula());
            assertThat(INDEX.formulaInputs(s)).as(indicator.id()).isEqualTo(inputs).isNotEmpty();
            for (int input : inputs) {
                readers.computeIfAbsent(input, k -> new TreeSet<>()).add(s);
            }
        }
        assertThat(formulas).isGreaterThan(20);
        assertThat(INDEX.formulaInputs(slot("air_polluted_station_ratio")))
                .containsExactly(slot("air_stations_polluted"), slot("air_station_count"));
        for (int s = 0; s < PLAN.size(); s++) {
            int[] expected = readers.getOrDefault(s, Set.of()).stream().mapToInt(Integer::intValue).toArray();
            assertThat(INDEX.dependents(s)).as(PLAN.slot(s).id()).isEqualTo(expected);
        }
        for (int g = 0; g < INDEX.groupCount(); g++) {
            Set<Integer> expected = new TreeSet<>();
            for (int s : INDEX.groupSlots(g)) {
                expected.addAll(readers.getOrDefault(s, Set.of()));
            }
            assertThat(INDEX.groupDependents(g)).isEqualTo(expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void theDerivedOrderHasEveryFormulaOnceAfterTheFormulasItReads() {
        int[] order = PLAN.derivedOrder();
        List<Integer> seen = new ArrayList<>();
        for (int s : order) {
            for (int input : idsIn(CATALOG.indicators().get(s).formula())) {
                if (CATALOG.indicators().get(input).formula() != null) {
                    assertThat(seen).as(PLAN.slot(s).id() + " after " + PLAN.slot(input).id()).contains(input);
                }
            }
            seen.add(s);
        }
        assertThat(new LinkedHashSet<>(seen)).hasSize(order.length);
        assertThat(order).hasSize((int) CATALOG.indicators().stream().filter(i -> i.formula() != null).count());
    }

    @Test
    void aPlanSentToAnOperatorGivesTheSameIndex() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(PLAN);
        }
        EvaluationPlan copy = (EvaluationPlan) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        PlanIndex index = new PlanIndex(copy);
        assertThat(copy.derivedOrder()).isEqualTo(PLAN.derivedOrder());
        for (int s = 0; s < PLAN.size(); s++) {
            assertThat(index.formulaInputs(s)).isEqualTo(INDEX.formulaInputs(s));
            assertThat(index.dependents(s)).isEqualTo(INDEX.dependents(s));
            assertThat(index.groupOf(s)).isEqualTo(INDEX.groupOf(s));
        }
        assertThat(index.baseTickMs()).isEqualTo(INDEX.baseTickMs());
    }

    @Test
    void theBaseTickDividesEveryGaugeAndFormulaPeriod() {
        BigInteger gcd = BigInteger.ZERO;
        for (Indicator i : CATALOG.indicators()) {
            if (i.source() == SourceKind.GAUGE || i.source() == SourceKind.DERIVED) {
                gcd = gcd.gcd(BigInteger.valueOf(i.periodMs()));
            }
        }
        assertThat(INDEX.baseTickMs()).isEqualTo(gcd.longValueExact());
    }

    @Test
    void readingsAndEventsAreRoutedToTheGroupsOfTheirSlots() {
        for (AssetType type : TYPES.all()) {
            List<String> metrics = new ArrayList<>(type.metrics().keySet());
            assertThat(INDEX.metricCount(type.name())).isEqualTo(metrics.size());
            for (String metric : metrics) {
                assertThat(INDEX.metricPosition(type.name(), metric)).isEqualTo(metrics.indexOf(metric));
                assertThat(INDEX.readingGroups(type.name(), metric)).isEqualTo(
                        distinctGroups(CATALOG, i -> type.name().equals(i.assetType()) && metric.equals(i.metric())));
                for (int group : INDEX.readingGroups(type.name(), metric)) {
                    assertThat(INDEX.groupMetricPosition(group)).isEqualTo(metrics.indexOf(metric));
                    assertThat(INDEX.groupMetric(group)).isSameAs(type.metric(metric));
                }
            }
            for (String kind : type.events().keySet()) {
                assertThat(INDEX.eventGroups(type.name(), kind)).as(type.name() + "/" + kind).isEqualTo(
                        distinctGroups(CATALOG, i -> i.source() == SourceKind.EVENT && kind.equals(i.event())
                                && (i.assetType() == null || type.name().equals(i.assetType()))));
                for (int group : INDEX.eventGroups(type.name(), kind)) {
                    assertThat(INDEX.groupMetricPosition(group)).isEqualTo(-1);
                    assertThat(INDEX.groupMetric(group)).isNull();
                }
            }
            int[] gauges = distinctGroups(CATALOG, i -> i.source() == SourceKind.GAUGE && type.name().equals(i.assetType()));
            assertThat(INDEX.gaugeGroups(type.name())).isEqualTo(gauges);
            for (int k = 0; k < gauges.length; k++) {
                assertThat(INDEX.gaugeGroupPosition(gauges[k])).isEqualTo(k);
            }
        }
        assertThat(INDEX.metricPosition("air_station", "nothing")).isEqualTo(-1);
        assertThat(INDEX.readingGroups("air_station", "nothing")).isEmpty();
        assertThat(INDEX.eventGroups("air_station", "nothing")).isEmpty();
        assertThat(INDEX.gaugeGroups("nothing")).isEmpty();
    }

    /** The groups of the catalog's indicators that match, in catalog order, each once. */
    private static int[] distinctGroups(Catalog catalog, java.util.function.Predicate<Indicator> reads) {
        Set<Integer> groups = new LinkedHashSet<>();
        for (int s = 0; s < catalog.indicators().size(); s++) {
            if (catalog.indicators().get(s).source() != SourceKind.DERIVED && reads.test(catalog.indicators().get(s))) {
                groups.add(INDEX.groupOf(s));
            }
        }
        return groups.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aSlotIsComputedAtTheLevelsItsIndicatorNames() {
        for (int s = 0; s < PLAN.size(); s++) {
            for (AreaLevel level : AreaLevel.values()) {
                assertThat(INDEX.computedAt(s, level)).isEqualTo(CATALOG.indicators().get(s).levels().contains(level));
            }
        }
    }

    @Test
    void ticksEndAtTheFirstMultipleOfThePeriodAtOrAfterATimeAndWindowsAfterIt() {
        long minute = 60_000;
        assertThat(PlanIndex.tickEnd(0, 5 * minute)).isEqualTo(0);
        assertThat(PlanIndex.tickEnd(1, 5 * minute)).isEqualTo(5 * minute);
        assertThat(PlanIndex.tickEnd(5 * minute, 5 * minute)).isEqualTo(5 * minute);
        assertThat(PlanIndex.tickEnd(-1, 5 * minute)).isEqualTo(0);
        assertThat(PlanIndex.tickEnd(-5 * minute - 1, 5 * minute)).isEqualTo(-5 * minute);
        // A window [end − period, end) holds its start and not its end.
        assertThat(PlanIndex.windowEnd(0, 60 * minute)).isEqualTo(60 * minute);
        assertThat(PlanIndex.windowEnd(60 * minute - 1, 60 * minute)).isEqualTo(60 * minute);
        assertThat(PlanIndex.windowEnd(60 * minute, 60 * minute)).isEqualTo(120 * minute);
        assertThat(PlanIndex.windowEnd(-1, 60 * minute)).isEqualTo(0);
    }
}
