package org.citytwin.model.catalog;

import org.citytwin.model.asset.AssetTypes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CatalogValidationTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");

    private static CatalogLoader.Source file(String name, String yaml) {
        return new CatalogLoader.Source(name, () -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<CatalogError> errors(String yaml) {
        CatalogException e = catchThrowableOfType(CatalogException.class,
                () -> CatalogLoader.load(List.of(file("bad.yaml", yaml)), TYPES));
        assertThat(e).as("catalog must be rejected").isNotNull();
        return e.errors();
    }

    private static final String HEAD = "category: test\nzh: 测试\nen: Test\nindicators:\n";

    private static String ind(String id, String reads, String agg, String unit, String extra) {
        return "  - id: " + id + "\n    zh: 中\n    en: En\n    unit: \"" + unit + "\"\n    reads: " + reads
                + "\n    aggregation: " + agg + "\n" + extra;
    }

    @Test
    void everyErrorClassIsReportedWithFileLineAndId() {
        String yaml = HEAD
                + ind("a_unknown_type", "{asset: no_such_type, metric: x}", "avg", "m", "")          // line 5
                + ind("b_unknown_metric", "{asset: air_station, metric: pm99}", "avg", "ug/m3", "")  // line 11
                + ind("c_unknown_event", "{asset: air_station, event: meteor}", "count", "count", "") // 17
                + ind("d_unknown_attr", "{asset: ev_charger, event: session_end, attribute: colour}", "sum", "kWh", "") // 23
                + ind("e_unknown_function", "{asset: air_station, metric: aqi}", "avg", "AQI", "    filter: \"frobnicate(value)\"\n") // 29
                + ind("f_bad_cel", "{asset: air_station, metric: aqi}", "avg", "AQI", "    filter: \"value >\"\n") // 36
                + ind("g_thresholds", "{asset: air_station, metric: aqi}", "avg", "AQI",
                        "    alert: {direction: above, warning: 200, critical: 150, clear: 140}\n") // 43
                + ind("h_unit", "{asset: air_station, metric: pm25}", "avg", "mg/m3", "") // 50
                + ind("i_agg_kind", "{asset: air_station, metric: aqi}", "p95", "AQI", "") // 56
                + ind("a_unknown_type", "{asset: air_station, metric: aqi}", "avg", "AQI", "") // 62 duplicate
                + ind("j_filter_attr", "{asset: air_station, metric: aqi}", "avg", "AQI", "    filter: \"colour == 'red'\"\n") // 68
                + "  - id: k_cycle_a\n    zh: 甲\n    en: A\n    unit: \"%\"\n    formula: \"k_cycle_b + 1.0\"\n" // 75
                + "  - id: k_cycle_b\n    zh: 乙\n    en: B\n    unit: \"%\"\n    formula: \"k_cycle_a * 2.0\"\n"; // 80
        List<CatalogError> errs = errors(yaml);
        assertThat(errs).allSatisfy(e -> assertThat(e.file()).isEqualTo("bad.yaml"));
        assertThat(errs).extracting(CatalogError::toString).containsExactlyInAnyOrder(
                "bad.yaml:5: [a_unknown_type] unknown asset type 'no_such_type'",
                "bad.yaml:11: [b_unknown_metric] unknown metric 'pm99' of asset type air_station (has: aqi, pm25, pm10, no2, so2, o3, co)",
                "bad.yaml:17: [c_unknown_event] unknown event kind 'meteor' of asset type air_station (has: pollution_alert)",
                "bad.yaml:23: [d_unknown_attr] unknown attribute 'colour' of event session_end (has: energy_kwh, duration_min, vehicle_id)",
                "bad.yaml:29: [e_unknown_function] filter: unknown function 'frobnicate' in CEL 'frobnicate(value)'",
                errs.stream().filter(e -> "f_bad_cel".equals(e.id())).findFirst().orElseThrow().toString(),
                "bad.yaml:49: [g_thresholds] alert thresholds out of order: above needs clear <= warning < critical, got clear=140 warning=200 critical=150",
                "bad.yaml:50: [h_unit] unit mismatch: declares 'mg/m3' but avg of metric pm25 is in 'ug/m3'",
                "bad.yaml:56: [i_agg_kind] aggregation p95 not allowed for a gauge (allowed: sum, avg, min, max, count, share)",
                "bad.yaml:62: [a_unknown_type] duplicate id (first defined at bad.yaml:5)",
                "bad.yaml:68: [j_filter_attr] filter: unknown attribute 'colour' in CEL 'colour == 'red'' (asset type air_station has: value, online, station_class, elevation)",
                "bad.yaml:75: [k_cycle_a] formula cycle: k_cycle_a -> k_cycle_b -> k_cycle_a");
        CatalogError badCel = errs.stream().filter(e -> "f_bad_cel".equals(e.id())).findFirst().orElseThrow();
        assertThat(badCel.line()).isEqualTo(36);
        assertThat(badCel.message()).startsWith("filter: bad CEL 'value >': ");
    }

    @Test
    void errorsOfSeveralFilesAreAllListedAndNothingIsLoaded() {
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> CatalogLoader.load(List.of(
                file("one.yaml", HEAD + ind("ok_one", "{asset: air_station, metric: aqi}", "avg", "AQI", "")),
                file("two.yaml", "category: other\nzh: 二\nen: Two\nindicators:\n"
                        + ind("ok_one", "{asset: air_station, metric: aqi}", "max", "AQI", "")
                        + ind("bad_level", "{asset: air_station, metric: aqi}", "max", "AQI", "    levels: [city, planet]\n"))),
                TYPES));
        assertThat(e.errors()).extracting(CatalogError::toString).containsExactly(
                "two.yaml:17: [bad_level] unknown area level 'planet' (city, district, street)",
                "two.yaml:5: [ok_one] duplicate id (first defined at one.yaml:5)");
    }

    @Test
    void templatesExpandIntoStableIdsWithReadableNames() {
        Catalog c = CatalogLoader.load(List.of(file("t.yaml", "category: air\nzh: 空气\nen: Air\nexpand:\n"
                + "  - prefix: air\n    label: {zh: 监测站, en: Station}\n    asset: air_station\n    metrics: [pm25]\n"
                + "    aggregations: [avg, max]\n"
                + "  - prefix: ev\n    asset: ev_charger\n    event: session_end\n"
                + "    attributes: [{name: energy_kwh, zh: 充电量, en: energy}]\n    aggregations: [p95]\n")), TYPES);
        assertThat(c.indicators()).extracting(Indicator::id).containsExactly("air_pm25_avg", "air_pm25_max",
                "ev_session_end_energy_kwh_p95");
        Indicator avg = c.get("air_pm25_avg");
        assertThat(avg.zh()).isEqualTo("监测站PM2.5浓度平均值");
        assertThat(avg.en()).isEqualTo("Average Station PM2.5");
        assertThat(avg.unit()).isEqualTo("ug/m3");
        assertThat(avg.line()).isEqualTo(5);
        Indicator p95 = c.get("ev_session_end_energy_kwh_p95");
        assertThat(p95.zh()).isEqualTo("充电结束充电量95分位值");
        assertThat(p95.en()).isEqualTo("Charging session end energy, 95th percentile");
        assertThat(p95.unit()).isEqualTo("kWh");
        assertThat(p95.periodMs()).isEqualTo(60_000);
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        assertThatThrownBy(() -> CatalogLoader.load(List.of(file("s.yaml", "category: x\nindicators: [\n  - {id: a\n")), TYPES))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("s.yaml:")
                .hasMessageContaining("YAML syntax error");
    }
}
