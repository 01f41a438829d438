package org.citytwin.model.plan;

import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EvaluationPlanTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final CityTopology TOPO = CityTopology.load("shanghai");
    private static final Catalog CATALOG = CatalogLoader.load("shanghai");
    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CATALOG, TYPES, TOPO);

    private static List<String> ids(EvaluationPlan p, int[] slots) {
        return Arrays.stream(slots).mapToObj(s -> p.slot(s).id()).toList();
    }

    @Test
    void aReadingIsRoutedOnlyToTheIndicatorsThatReadIt() {
        List<String> expected = CATALOG.indicators().stream()
                .filter(i -> "air_station".equals(i.assetType()) && "pm25".equals(i.metric())).map(Indicator::id).toList();
        assertThat(ids(PLAN, PLAN.slotsForReading("air_station", "pm25"))).containsExactlyElementsOf(expected)
                .contains("air_pm25_avg", "air_pm25_min", "air_pm25_max");
        assertThat(PLAN.slotsForReading("air_station", "nothing")).isEmpty();
        // Any-asset event indicators (call_*) are routed from the type that emits the kind.
        assertThat(ids(PLAN, PLAN.slotsForEvent("call_center_console", "call"))).contains("call_110_count", "call_total");
        assertThat(PLAN.indicator("wq_compliance_rate").aggregation().tag()).isEqualTo("formula");
    }

    @Test
    void routingIsUnchangedByAThousandUnrelatedIndicators() {
        List<Indicator> more = new ArrayList<>(CATALOG.indicators());
        Indicator template = CATALOG.get("weather_temperature_avg");
        for (int i = 0; i < 1000; i++) {
            more.add(0, new Indicator("extra_" + i, "额外", "Extra", template.unit(), template.category(), template.source(),
                    template.assetType(), template.metric(), null, null, null, null, template.aggregation(),
                    template.periodMs(), template.levels(), null, null, template.resolution(), "额外。", "Extra.", false, false, "x", 1));
        }
        EvaluationPlan big = EvaluationPlan.compile(new Catalog(CATALOG.categories(), more), TYPES, TOPO);
        assertThat(big.size()).isEqualTo(PLAN.size() + 1000);
        assertThat(ids(big, big.slotsForReading("air_station", "pm25"))).isEqualTo(ids(PLAN, PLAN.slotsForReading("air_station", "pm25")));
        assertThat(ids(big, big.slotsForEvent("ev_charger", "session_end"))).isEqualTo(ids(PLAN, PLAN.slotsForEvent("ev_charger", "session_end")));
        assertThat(big.slotsForReading("air_station", "pm25")).hasSize(PLAN.slotsForReading("air_station", "pm25").length);
    }

    @Test
    void gaugesCountOnlineAssetsUnlessTheyKeepOfflineOnes() {
        Asset national = new Asset("b", "air_station", "310101002", 0, 0, Map.of("station_class", "national", "elevation", 5.0));
        Asset gate = new Asset("g", "metro_gate", "310101002", 0, 0, Map.of("line", "1", "interchange", true));
        // Default: an offline station leaves the average, the count and the share of good air.
        for (String id : List.of("air_aqi_avg", "air_station_count", "air_good_share")) {
            assertThat(PLAN.indicator(id).acceptsReading(40, true, national)).as(id).isTrue();
            assertThat(PLAN.indicator(id).acceptsReading(40, false, national)).as(id).isFalse();
        }
        // offline: keep — the online share needs the offline stations in its denominator.
        assertThat(CATALOG.get("air_stations_online_share").offlineKeep()).isTrue();
        assertThat(PLAN.indicator("air_stations_online_share").acceptsReading(40, false, national)).isTrue();
        assertThat(PLAN.indicator("air_stations_online_share").conditionHolds(40, false, national)).isFalse();
        // Windows count what happened: a counter increment passes whatever the asset's state.
        assertThat(PLAN.indicator("metro_entries_total").acceptsReading(12, false, gate)).isTrue();
    }

    @Test
    void filtersConditionsAndFormulasEvaluateAndSurviveSerialization() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(PLAN);
        }
        EvaluationPlan copy = (EvaluationPlan) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        Asset roadside = new Asset("a", "air_station", "310101002", 0, 0, Map.of("station_class", "roadside", "elevation", 5.0));
        Asset national = new Asset("b", "air_station", "310101002", 0, 0, Map.of("station_class", "national", "elevation", 5.0));
        for (EvaluationPlan p : List.of(PLAN, copy)) {
            assertThat(p.indicator("air_roadside_no2_avg").acceptsReading(30, true, roadside)).isTrue();
            assertThat(p.indicator("air_roadside_no2_avg").acceptsReading(30, true, national)).isFalse();
            assertThat(p.indicator("air_stations_online_share").conditionHolds(30, false, roadside)).isFalse();
            assertThat(p.indicator("air_good_share").conditionHolds(100, true, roadside)).isTrue();
            assertThat(p.indicator("call_119_count").acceptsEvent(Map.of("line", "119", "call_type", "fire",
                    "wait_seconds", 3.0, "caller_area", "A01"), null)).isTrue();
            assertThat(p.indicator("wq_compliance_rate").evaluate(Map.of("wq_samplers_compliant", 49.0, "wq_samplers_all", 50.0)))
                    .isEqualTo(98.0);
            assertThat(p.indicator("grid_load_factor").evaluate(Map.of("grid_load_total", 30.0, "grid_capacity_total", 40.0)))
                    .isEqualTo(75.0);
        }
        // Derived slots come after the derived slots they read.
        int[] order = PLAN.derivedOrder();
        assertThat(order).hasSize((int) CATALOG.indicators().stream().filter(i -> i.formula() != null).count());
    }
}
