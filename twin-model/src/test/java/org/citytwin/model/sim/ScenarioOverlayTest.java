package org.citytwin.model.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.ParseResult;
import org.citytwin.model.scenario.EventOverlay;
import org.citytwin.model.scenario.ReadingOverlay;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioLoader;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

class ScenarioOverlayTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final CityTopology TOPO = CityTopology.load("shanghai");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FROM = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();
    private static final long TO = FROM + 3_600_000;
    /** Two rain gauges and two call consoles in Huangpu (310101), one of each in Xuhui (310104). */
    private static final AssetRegistry REGISTRY = new AssetRegistry(List.of(
            asset("rain_gauge-310101002-0000", "rain_gauge", "310101002"),
            asset("rain_gauge-310101013-0000", "rain_gauge", "310101013"),
            asset("rain_gauge-310104003-0000", "rain_gauge", "310104003"),
            asset("call_center_console-310101002-0000", "call_center_console", "310101002"),
            asset("call_center_console-310101013-0000", "call_center_console", "310101013"),
            asset("call_center_console-310104003-0000", "call_center_console", "310104003")));

    private static Asset asset(String id, String type, String street) {
        return new Asset(id, type, street, 31.2, 121.4, Map.of());
    }

    private static Scenario scenario(String yaml) throws IOException {
        return new ScenarioLoader(TYPES, TOPO).read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static List<SimRecord> records(String yaml) throws IOException {
        return new ScenarioOverlay(scenario(yaml), TYPES, TOPO, REGISTRY).records(FROM, TO);
    }

    private static JsonNode json(SimRecord r) throws IOException {
        return JSON.readTree(r.json());
    }

    @Test
    void aRampOfReadingsGivesEachAssetInTheScopeOneReadingPerStepAtTheShapesValue() throws IOException {
        List<SimRecord> records = records("""
                scenario: rain
                start: 10m
                duration: 10m
                readings: [{asset: rain_gauge, metric: rainfall_1h, from: 0, to: 90, shape: ramp, every: 2m, districts: ["310101"]}]
                """);
        // 5 steps (10, 12, ... 18 min after the start) × 2 gauges in Huangpu; the value at step k is 90 × 2k / 10.
        assertThat(records).hasSize(10);
        for (int k = 0; k < 5; k++) {
            for (int g = 0; g < 2; g++) {
                SimRecord r = records.get(2 * k + g);
                assertThat(r.time()).isEqualTo(FROM + 600_000 + k * 120_000L);
                assertThat(r.key()).isEqualTo(g == 0 ? "rain_gauge-310101002-0000" : "rain_gauge-310101013-0000");
                assertThat(json(r).get("readings").get("rainfall_1h").decimalValue())
                        .isEqualByComparingTo(new java.math.BigDecimal(18 * k));
            }
        }
    }

    @Test
    void aPeakRisesToItsTopAtMidWindowAndIsQuantizedToTheMetricsResolution() throws IOException {
        List<SimRecord> records = records("""
                scenario: rain
                start: 0m
                duration: 4m
                readings: [{asset: rain_gauge, metric: intensity, from: 1, to: 51, shape: peak, streets: ["310104003"]}]
                """);
        // x = 0, 1/4, 1/2, 3/4: (1 − cos 2πx) / 2 = 0, 0.5, 1, 0.5
        assertThat(records).extracting(r -> json(r).get("readings").get("intensity").asText())
                .containsExactly("1.0", "26.0", "51.0", "26.0");
    }

    @Test
    void eventsPerAssetAtAHeldRateAreExactlyRateTimesMinutesPerAsset() throws IOException {
        List<SimRecord> records = records("""
                scenario: calls
                start: 0m
                duration: 5m
                events: [{asset: call_center_console, event: call, rate: 2, attributes: {call_type: flooding, line: "119"}}]
                """);
        Map<String, Integer> perAsset = new TreeMap<>();
        for (SimRecord r : records) {
            perAsset.merge(r.key(), 1, Integer::sum);
            JsonNode j = json(r);
            assertThat(j.get("event").asText()).isEqualTo("call");
            assertThat(j.get("attrs").get("call_type").asText()).isEqualTo("flooding");
            assertThat(j.get("attrs").get("line").asText()).isEqualTo("119");
            assertThat(r.time()).isBetween(FROM, FROM + 5 * 60_000 - 1);
        }
        assertThat(perAsset).containsExactly(Map.entry("call_center_console-310101002-0000", 10),
                Map.entry("call_center_console-310101013-0000", 10), Map.entry("call_center_console-310104003-0000", 10));
    }

    @Test
    void eventsPerDistrictFollowThePeakAndTotalRateTimesMinutesTimesItsMeanOfAHalf() throws IOException {
        List<SimRecord> records = records("""
                scenario: calls
                start: 0m
                duration: 4m
                events: [{asset: call_center_console, event: call, rate: 3, per: district, shape: peak}]
                """);
        // Per district: 3 × (0.146, 0.854, 0.854, 0.146) per minute, due when the running sum passes a whole
        // event: 0, 3, 2, 1 events in the four minutes, 6 = 3 × 4 × 0.5 in all.
        Map<String, int[]> byDistrictMinute = new TreeMap<>();
        for (SimRecord r : records) {
            String district = TOPO.parent(REGISTRY.get(r.key()).street()).code();
            byDistrictMinute.computeIfAbsent(district, d -> new int[4])[(int) ((r.time() - FROM) / 60_000)]++;
        }
        assertThat(byDistrictMinute.get("310101")).containsExactly(0, 3, 2, 1);
        assertThat(byDistrictMinute.get("310104")).containsExactly(0, 3, 2, 1);
        assertThat(byDistrictMinute).hasSize(2);
    }

    @Test
    void everyRecordParsesHasItsOwnIdAndTheRecordsAreInTimeOrder() throws IOException {
        CitySimulator sim = new CitySimulator(TYPES, TOPO, CitySimulator.options().seed(3).scale(0.05));
        Scenario typhoon = new ScenarioLoader(TYPES, TOPO).load(Path.of("../scenarios/typhoon.yaml"));
        long from = FROM;
        long to = from + 14 * 3_600_000L;
        List<SimRecord> records = new ScenarioOverlay(typhoon, TYPES, TOPO, sim.registry()).records(from, to);
        EventParser parser = new EventParser(TYPES, sim.registry());
        Set<String> ids = new HashSet<>();
        long previous = Long.MIN_VALUE;
        for (SimRecord r : records) { // plain checks: about 100,000 records
            ParseResult p = parser.parse(r.json());
            if (!p.ok() || p.event().time() != r.time() || r.time() < previous || r.time() < from + 2 * 3_600_000L
                    || r.time() >= from + 14 * 3_600_000L || !p.event().eventId().startsWith("overlay-typhoon-") || !ids.add(p.event().eventId())) {
                throw new AssertionError("not a parsed, ordered, uniquely identified overlay record in the window: "
                        + r.text() + " " + p.rejection());
            }
            previous = r.time();
        }
        assertThat(ids).hasSize(records.size());
        // The readings are one per asset and step: 720 one-minute steps of rainfall_1h for each rain gauge.
        ScenarioOverlay overlay = new ScenarioOverlay(typhoon, TYPES, TOPO, sim.registry());
        ReadingOverlay rainfall = typhoon.readings().get(0);
        long gauges = overlay.assets("rain_gauge", rainfall.scope()).size();
        assertThat(gauges).isGreaterThan(5);
        assertThat(records.stream().filter(r -> r.text().contains("\"rainfall_1h\"")).count()).isEqualTo(720 * gauges);
        // Trips per district: 0.5 × 720 minutes × 0.5 (the peak's mean) = 180 for each district with feeders.
        EventOverlay trips = typhoon.events().get(3);
        long districts = overlay.assets("substation_feeder", trips.scope()).stream()
                .map(a -> TOPO.parent(a.street()).code()).distinct().count();
        assertThat(records.stream().filter(r -> r.text().contains("\"event\":\"trip\"")).count()).isEqualTo(180 * districts);
    }

    @Test
    void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() throws IOException {
        String yaml = """
                scenario: calls
                seed: %d
                start: 0m
                duration: 30m
                readings: [{asset: rain_gauge, metric: intensity, from: 5, to: 50, shape: peak, noise: 3}]
                events: [{asset: call_center_console, event: call, rate: 0.7, per: street, shape: ramp}]
                """;
        List<String> a = records(yaml.formatted(7)).stream().map(SimRecord::text).toList();
        List<String> b = records(yaml.formatted(7)).stream().map(SimRecord::text).toList();
        List<String> c = records(yaml.formatted(8)).stream().map(SimRecord::text).toList();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void aWindowOutsideTheReplayedPeriodIsRefused() throws IOException {
        Scenario late = scenario("""
                scenario: late
                start: 50m
                duration: 20m
                events: [{asset: rain_gauge, event: heavy_rain, rate: 1}]
                """);
        assertThatThrownBy(() -> new ScenarioOverlay(late, TYPES, TOPO, REGISTRY).records(FROM, TO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test.yaml: scenario late: its window 2025-07-01T00:50:00Z - 2025-07-01T01:10:00Z is not inside"
                        + " the replayed period 2025-07-01T00:00:00Z - 2025-07-01T01:00:00Z");
    }
}
