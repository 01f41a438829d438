package org.citytwin.model.catalog;

import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.topology.AreaLevel;
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

    /** A category whose first indicator is a valid headline with thresholds, so only the errors under test remain. */
    private static final String HEAD = "category: test\nzh: 测试\nen: Test\nindicators:\n"
            + "  - id: anchor\n    zh: 锚\n    en: Anchor\n    description: {zh: 锚点。, en: The anchor.}\n    unit: AQI\n"
            + "    reads: {asset: air_station, metric: aqi}\n    aggregation: avg\n    headline: true\n"
            + "    alert: {direction: above, warning: 100, critical: 150, clear: 90, for: 5m}\n";

    private static String ind(String id, String reads, String agg, String unit, String extra) {
        return "  - id: " + id + "\n    zh: 中" + id + "\n    en: En " + id + "\n    description: {zh: 说明。, en: What it is.}\n"
                + "    unit: \"" + unit + "\"\n    reads: " + reads + "\n    aggregation: " + agg + "\n" + extra;
    }

    /** The 1-based line of {@code text} in {@code yaml}. */
    private static int line(String yaml, String text) {
        int at = yaml.indexOf(text);
        assertThat(at).as(text).isNotNegative();
        return (int) yaml.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
    }

    private static int lineOf(String yaml, String id) {
        return line(yaml, "- id: " + id + "\n");
    }

    @Test
    void everyErrorClassIsReportedWithFileLineAndId() {
        String yaml = HEAD
                + ind("a_unknown_type", "{asset: no_such_type, metric: x}", "avg", "m", "")
                + ind("b_unknown_metric", "{asset: air_station, metric: pm99}", "avg", "ug/m3", "")
                + ind("c_unknown_event", "{asset: air_station, event: meteor}", "count", "count", "")
                + ind("d_unknown_attr", "{asset: ev_charger, event: session_end, attribute: colour}", "sum", "kWh", "")
                + ind("e_unknown_function", "{asset: air_station, metric: aqi}", "max", "AQI", "    filter: \"frobnicate(value)\"\n")
                + ind("f_bad_cel", "{asset: air_station, metric: aqi}", "min", "AQI", "    filter: \"value >\"\n")
                + ind("g_thresholds", "{asset: air_station, metric: pm10}", "avg", "ug/m3",
                        "    alert: {direction: above, warning: 200, critical: 150, clear: 140}\n")
                + ind("h_unit", "{asset: air_station, metric: pm25}", "avg", "mg/m3", "")
                + ind("i_agg_kind", "{asset: air_station, metric: aqi}", "p95", "AQI", "")
                + ind("a_unknown_type", "{asset: air_station, metric: no2}", "avg", "ug/m3", "")
                + ind("j_filter_attr", "{asset: air_station, metric: o3}", "avg", "ug/m3", "    filter: \"colour == 'red'\"\n")
                + "  - id: k_cycle_a\n    zh: 甲\n    en: A\n    description: {zh: 甲。, en: A.}\n    unit: \"%\"\n    formula: \"k_cycle_b + 1.0\"\n"
                + "  - id: k_cycle_b\n    zh: 乙\n    en: B\n    description: {zh: 乙。, en: B.}\n    unit: \"%\"\n    formula: \"k_cycle_a * 2.0\"\n";
        List<CatalogError> errs = errors(yaml);
        assertThat(errs).allSatisfy(e -> assertThat(e.file()).isEqualTo("bad.yaml"));
        CatalogError badCel = errs.stream().filter(e -> "f_bad_cel".equals(e.id())).findFirst().orElseThrow();
        assertThat(errs).extracting(CatalogError::toString).containsExactlyInAnyOrder(
                "bad.yaml:" + lineOf(yaml, "a_unknown_type") + ": [a_unknown_type] unknown asset type 'no_such_type'",
                "bad.yaml:" + lineOf(yaml, "b_unknown_metric") + ": [b_unknown_metric] unknown metric 'pm99' of asset type air_station (has: aqi, pm25, pm10, no2, so2, o3, co)",
                "bad.yaml:" + lineOf(yaml, "c_unknown_event") + ": [c_unknown_event] unknown event kind 'meteor' of asset type air_station (has: pollution_alert)",
                "bad.yaml:" + lineOf(yaml, "d_unknown_attr") + ": [d_unknown_attr] unknown attribute 'colour' of event session_end (has: energy_kwh, duration_min, vehicle_id)",
                "bad.yaml:" + lineOf(yaml, "e_unknown_function") + ": [e_unknown_function] filter: unknown function 'frobnicate' in CEL 'frobnicate(value)'",
                badCel.toString(),
                "bad.yaml:" + line(yaml, "alert: {direction: above, warning: 200") + ": [g_thresholds] alert thresholds out of order: above needs clear <= warning < critical, got clear=140 warning=200 critical=150",
                "bad.yaml:" + lineOf(yaml, "h_unit") + ": [h_unit] unit mismatch: declares 'mg/m3' but avg of metric pm25 is in 'ug/m3'",
                "bad.yaml:" + lineOf(yaml, "i_agg_kind") + ": [i_agg_kind] aggregation p95 not allowed for a gauge (allowed: sum, avg, min, max, count, share)",
                "bad.yaml:" + line(yaml, "- id: a_unknown_type\n    zh: 中a_unknown_type\n    en: En a_unknown_type\n    description: {zh: 说明。, en: What it is.}\n    unit: \"ug/m3\"")
                        + ": [a_unknown_type] duplicate id (first defined at bad.yaml:" + lineOf(yaml, "a_unknown_type") + ")",
                "bad.yaml:" + lineOf(yaml, "j_filter_attr") + ": [j_filter_attr] filter: unknown attribute 'colour' in CEL 'colour == 'red'' (asset type air_station has: value, online, station_class, elevation)",
                "bad.yaml:" + lineOf(yaml, "k_cycle_a") + ": [k_cycle_a] formula cycle: k_cycle_a -> k_cycle_b -> k_cycle_a");
        assertThat(badCel.line()).isEqualTo(lineOf(yaml, "f_bad_cel"));
        assertThat(badCel.message()).startsWith("filter: bad CEL 'value >': ");
    }

    @Test
    void alertLevelsMustBeLevelsOfTheIndicatorAndAnAlertHasNoOtherKeys() {
        String yaml = HEAD
                + ind("district_only", "{asset: air_station, metric: pm10}", "max", "ug/m3", "    levels: [city, district]\n"
                        + "    alert: {direction: above, warning: 100, critical: 150, clear: 90, levels: [street]}\n")
                + ind("severity_key", "{asset: air_station, metric: no2}", "max", "ug/m3",
                        "    alert: {direction: above, warning: 100, critical: 150, clear: 90, severity: high}\n");
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactly(
                "bad.yaml:" + line(yaml, "alert: {direction: above, warning: 100, critical: 150, clear: 90, severity")
                        + ": [severity_key] unknown alert key 'severity' (allowed: [on, direction, warning, critical,"
                        + " clear, for, levels])",
                "bad.yaml:" + line(yaml, "alert: {direction: above, warning: 100, critical: 150, clear: 90, levels")
                        + ": [district_only] alert levels [street] are not all levels of the indicator [city, district]");
    }

    @Test
    void anAlertAppliesAtTheLevelsItNamesOrAtEveryLevel() {
        Catalog catalog = CatalogLoader.load(List.of(file("ok.yaml", HEAD
                + ind("calls_total", "{asset: air_station, metric: pm10}", "sum", "ug/m3",
                        "    alert: {direction: above, warning: 100, critical: 150, clear: 90, levels: [district]}\n"))), TYPES);
        Alert sum = catalog.indicators().stream().filter(i -> i.id().equals("calls_total")).findFirst().orElseThrow().alert();
        assertThat(sum.levels()).containsExactly(AreaLevel.DISTRICT);
        assertThat(sum.appliesAt(AreaLevel.DISTRICT)).isTrue();
        assertThat(sum.appliesAt(AreaLevel.CITY)).isFalse();
        Alert anchor = catalog.indicators().stream().filter(i -> i.id().equals("anchor")).findFirst().orElseThrow().alert();
        assertThat(anchor.levels()).isEmpty();
        assertThat(List.of(AreaLevel.values())).allMatch(anchor::appliesAt);
    }

    @Test
    void errorsOfSeveralFilesAreAllListedAndNothingIsLoaded() {
        String two = "category: other\nzh: 二\nen: Two\nindicators:\n"
                + ind("ok_one", "{asset: air_station, metric: aqi}", "max", "AQI", "")
                + ind("bad_level", "{asset: air_station, metric: pm25}", "max", "ug/m3", "    levels: [city, planet]\n"
                        + "    headline: true\n    alert: {direction: above, warning: 100, critical: 150, clear: 90, for: 5m}\n");
        String one = HEAD + ind("ok_one", "{asset: air_station, metric: pm25}", "avg", "ug/m3", "");
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> CatalogLoader.load(List.of(
                file("one.yaml", one), file("two.yaml", two)), TYPES));
        assertThat(e.errors()).extracting(CatalogError::toString).containsExactly(
                "two.yaml:" + line(two, "levels: [city, planet]") + ": [bad_level] unknown area level 'planet' (city, district, street)",
                "two.yaml:" + lineOf(two, "ok_one") + ": [ok_one] duplicate id (first defined at one.yaml:" + lineOf(one, "ok_one") + ")");
    }

    @Test
    void aNameThatRepeatsAWordOrTwoCharactersIsRejected() {
        String yaml = HEAD
                + "  - id: net_pressure_avg\n    zh: 管网管网压力平均值\n    en: Average network pressure\n"
                + "    description: {zh: 说明。, en: What it is.}\n    unit: MPa\n"
                + "    reads: {asset: pipe_pressure_point, metric: pressure}\n    aggregation: avg\n"
                + "  - id: drop_p95\n    zh: 压力骤降幅度95分位\n    en: Pressure drop drop, 95th percentile\n"
                + "    description: {zh: 说明。, en: What it is.}\n    unit: MPa\n"
                + "    reads: {asset: pipe_pressure_point, event: pressure_drop, attribute: drop}\n    aggregation: p95\n";
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactly(
                "bad.yaml:" + lineOf(yaml, "net_pressure_avg") + ": [net_pressure_avg] name repeats '管网': '管网管网压力平均值 / Average network pressure'",
                "bad.yaml:" + lineOf(yaml, "drop_p95") + ": [drop_p95] name repeats word 'drop': '压力骤降幅度95分位 / Pressure drop drop, 95th percentile'");
    }

    @Test
    void anIndicatorWithoutADescriptionIsRejected() {
        String yaml = HEAD + "  - id: undescribed\n    zh: 平均PM10浓度\n    en: Average PM10\n    unit: ug/m3\n"
                + "    reads: {asset: air_station, metric: pm10}\n    aggregation: avg\n"
                + ind("half_described", "{asset: air_station, metric: no2}", "avg", "ug/m3", "")
                        .replace("{zh: 说明。, en: What it is.}", "{zh: 说明。}");
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactly(
                "bad.yaml:" + lineOf(yaml, "undescribed") + ": [undescribed] needs a description {zh: .., en: ..}: one sentence"
                        + " on what it measures, over which assets, at which tick or window",
                "bad.yaml:" + line(yaml, "description: {zh: 说明。}") + ": [half_described] needs a description {zh: .., en: ..}: one"
                        + " sentence on what it measures, over which assets, at which tick or window");
    }

    @Test
    void aCategoryWithoutThresholdsOrHeadlineIsRejectedAtItsCategoryLine() {
        String quiet = "# no thresholds, no headline\ncategory: quiet\nzh: 安静\nen: Quiet\nindicators:\n"
                + ind("quiet_aqi_avg", "{asset: air_station, metric: aqi}", "avg", "AQI", "");
        StringBuilder crowded = new StringBuilder("category: crowded\nzh: 拥挤\nen: Crowded\nindicators:\n");
        String[] metrics = {"aqi", "pm25", "pm10", "no2", "so2"};
        String[] units = {"AQI", "ug/m3", "ug/m3", "ug/m3", "ug/m3"};
        for (int i = 0; i < metrics.length; i++) {
            crowded.append(ind("crowded_" + metrics[i] + "_max", "{asset: air_station, metric: " + metrics[i] + "}", "max",
                    units[i], "    headline: true\n    alert: {direction: above, warning: 100, critical: 150, clear: 90, for: 5m}\n"));
        }
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> CatalogLoader.load(List.of(
                file("quiet.yaml", quiet), file("crowded.yaml", crowded.toString())), TYPES));
        assertThat(e.errors()).extracting(CatalogError::toString).containsExactly(
                "quiet.yaml:2: [quiet] category has no indicator with alert thresholds",
                "quiet.yaml:2: [quiet] category needs 1 to 4 headline indicators (the figures of its wall-screen tile), has 0",
                "crowded.yaml:1: [crowded] category needs 1 to 4 headline indicators (the figures of its wall-screen tile), has 5");
    }

    @Test
    void redundantAggregationsOfOneSourceAreRejected() {
        String yaml = HEAD
                + ind("entries_sum", "{asset: metro_gate, metric: entries}", "sum", "person", "    window: 5m\n")
                + ind("entries_rate", "{asset: metro_gate, metric: entries}", "rate", "person/s", "    window: 5m\n")
                + ind("entries_p99", "{asset: metro_gate, metric: entries}", "p99", "person", "    window: 5m\n")
                + ind("faults", "{asset: metro_gate, event: gate_fault}", "count", "count", "    window: 5m\n")
                + ind("faults_rate", "{asset: metro_gate, event: gate_fault}", "rate", "count/s", "    window: 5m\n")
                + ind("faults_hourly_rate", "{asset: metro_gate, event: gate_fault}", "rate", "count/s", "    window: 1h\n")
                + ind("aqi_top", "{asset: air_station, metric: aqi}", "avg", "AQI", "");
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactlyInAnyOrder(
                "bad.yaml:" + lineOf(yaml, "entries_rate") + ": [entries_rate] rate repeats entries_sum (bad.yaml:"
                        + lineOf(yaml, "entries_sum") + ") divided by the window; keep one of them",
                "bad.yaml:" + lineOf(yaml, "entries_p99") + ": [entries_p99] p99 of per-reading counter increments measures how"
                        + " often a device reports, not the city; use sum (the amount in the window)",
                "bad.yaml:" + lineOf(yaml, "faults_rate") + ": [faults_rate] rate repeats faults (bad.yaml:"
                        + lineOf(yaml, "faults") + ") divided by the window; keep one of them",
                "bad.yaml:" + lineOf(yaml, "aqi_top") + ": [aqi_top] computes the same as anchor (bad.yaml:" + lineOf(yaml, "anchor") + ")");
    }

    @Test
    void offlineKeepAppliesToGaugesOnly() {
        String yaml = HEAD
                + ind("stations_known", "{asset: air_station, metric: aqi}", "count", "count", "    offline: keep\n")
                + ind("entries_sum", "{asset: metro_gate, metric: entries}", "sum", "person", "    offline: keep\n")
                + ind("stations_maybe", "{asset: air_station, metric: pm25}", "count", "count", "    offline: sometimes\n")
                + "  - id: stations_online_share\n    zh: 在线率\n    en: Stations online\n    description: {zh: 说明。, en: What it is.}\n"
                + "    unit: \"%\"\n    reads: {asset: air_station, metric: no2}\n    condition: online\n    aggregation: share\n";
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactlyInAnyOrder(
                "bad.yaml:" + lineOf(yaml, "stations_online_share") + ": [stations_online_share] condition reads 'online', but a gauge"
                        + " counts online assets only (always true here); say 'offline: keep' to count offline ones too",
                "bad.yaml:" + lineOf(yaml, "entries_sum") + ": [entries_sum] 'offline: keep' applies to gauges only (windows count what happened)",
                "bad.yaml:" + line(yaml, "offline: sometimes") + ": [stations_maybe] offline must be 'keep' (gauges aggregate online assets only unless it says so)");
    }

    @Test
    void templatesExpandIntoStableIdsWithNamesAndDescriptionsThatReadAsWrittenByHand() {
        String yaml = "category: air\nzh: 空气\nen: Air\ndefaults: {tick: 5m, window: 1h}\nexpand:\n"
                + "  - prefix: air\n    asset: air_station\n    metrics:\n"
                + "      - {name: pm25, headline: avg, alert: {on: max, direction: above, warning: 75, critical: 115, clear: 70, for: 15m}}\n"
                + "    aggregations: [avg, max]\n"
                + "  - prefix: ws_net\n    asset: pipe_pressure_point\n    event: {name: pressure_drop, zh: 管网压力骤降, en: Pressure drop}\n"
                + "    attributes: [{name: drop, zh: 压力骤降幅度, en: pressure-drop size}]\n    aggregations: [p95]\n"
                + "  - prefix: ws_plant\n    asset: water_plant_meter\n    metrics: [{name: outflow_total, zh: 出厂水量, en: Water delivered}]\n"
                + "    aggregations: [sum]\n    window: 15m\n"
                + "  - prefix: air_roadside\n    asset: air_station\n    assets: {zh: 路边站, en: roadside station}\n"
                + "    filter: \"station_class == 'roadside'\"\n    metrics: [no2]\n    aggregations: [avg]\n";
        Catalog c = CatalogLoader.load(List.of(file("t.yaml", yaml)), TYPES);
        assertThat(c.indicators()).extracting(Indicator::id).containsExactly("air_pm25_avg", "air_pm25_max",
                "ws_net_pressure_drop_drop_p95", "ws_plant_outflow_total_sum", "air_roadside_no2_avg");
        Indicator avg = c.get("air_pm25_avg");
        assertThat(List.of(avg.zh(), avg.en(), avg.unit())).containsExactly("平均PM2.5浓度", "Average PM2.5", "ug/m3");
        assertThat(avg.zhDescription()).isEqualTo("区域内所有在线空气质量监测站最新PM2.5浓度的平均值，每5分钟更新。");
        assertThat(avg.enDescription()).isEqualTo("Average of the latest PM2.5 of every online air quality station in the area, updated every 5 min.");
        assertThat(avg.headline()).isTrue();
        assertThat(avg.alert()).isNull();
        assertThat(avg.line()).isEqualTo(line(yaml, "{name: pm25"));
        Indicator max = c.get("air_pm25_max");
        assertThat(List.of(max.zh(), max.en())).containsExactly("最高PM2.5浓度", "Highest PM2.5");
        assertThat(max.headline()).isFalse();
        assertThat(max.alert()).isEqualTo(new Alert(Alert.Direction.ABOVE, 75, 115, 70, 15 * 60_000));
        Indicator p95 = c.get("ws_net_pressure_drop_drop_p95");
        assertThat(List.of(p95.zh(), p95.en(), p95.unit())).containsExactly("压力骤降幅度95分位", "Pressure-drop size, 95th percentile", "MPa");
        assertThat(p95.enDescription()).isEqualTo("95th percentile of the pressure-drop size of the pressure drop events reported by any"
                + " pipe-network pressure point in the area in each hour.");
        Indicator sum = c.get("ws_plant_outflow_total_sum");
        assertThat(List.of(sum.zh(), sum.en())).containsExactly("近15分钟出厂水量", "Water delivered per 15 min");
        assertThat(sum.zhDescription()).isEqualTo("区域内所有水厂出厂水计量在每15分钟窗口内计量的出厂水量（计数器增量之和）。");
        assertThat(c.get("air_roadside_no2_avg").enDescription())
                .isEqualTo("Average of the latest NO2 of every online roadside station in the area, updated every 5 min.");
    }

    @Test
    void aTemplateWithAFilterNeedsToNameItsAssetsAndThresholdsMustNameAnExpandedAggregation() {
        String yaml = HEAD + "expand:\n"
                + "  - prefix: air_roadside\n    asset: air_station\n    filter: \"station_class == 'roadside'\"\n"
                + "    metrics: [{name: no2, alert: {on: p95, direction: above, warning: 1, critical: 2, clear: 0}}]\n"
                + "    aggregations: [avg]\n";
        assertThat(errors(yaml)).extracting(CatalogError::toString).containsExactly(
                "bad.yaml:" + line(yaml, "- prefix: air_roadside") + ": [air_roadside_*] a template with a filter needs 'assets:"
                        + " {zh: .., en: ..}' naming the assets it keeps (for the descriptions)",
                "bad.yaml:" + line(yaml, "{on: p95") + ": [air_roadside_*] alert 'on' must name one of the template's"
                        + " aggregations avg, not 'p95'");
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        assertThatThrownBy(() -> CatalogLoader.load(List.of(file("s.yaml", "category: x\nindicators: [\n  - {id: a\n")), TYPES))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("s.yaml:")
                .hasMessageContaining("YAML syntax error");
    }
}
