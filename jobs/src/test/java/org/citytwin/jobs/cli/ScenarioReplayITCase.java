package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.citytwin.jobs.testing.OverlayExpectations;
import org.citytwin.jobs.testing.PointDifferences;
import org.citytwin.jobs.testing.ReplayFixture;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioLoader;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.ScenarioOverlay;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code twin replay --scenario}: a simulated 15 minutes on a feed topic of two partitions is replayed
 * from Kafka twice, without and with a typhoon-like overlay over two districts (hourly rainfall
 * peaking at 85 mm, flooding calls, feeder trips). The overlay's effect on the indicators is
 * computed here from the generator's records alone: the districts' rainfall maximum is the
 * overlay's, and crosses the catalog's critical threshold; flooding calls and trips are history's
 * plus exactly the overlay's; every indicator the overlay does not read is unchanged.
 */
class ScenarioReplayITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();
    @RegisterExtension
    static final ReplayFixture SERVICES = new ReplayFixture("scenario-it");

    private static final long START = Instant.parse("2025-07-01T02:00:00Z").toEpochMilli();
    private static final long DURATION = 15 * 60_000;
    private static final String FROM = Instant.ofEpochMilli(START).toString();
    private static final String TO = Instant.ofEpochMilli(START + DURATION).toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY = Pattern.compile(
            ": ([0-9,]+) records(?: \\(([0-9,]+) of them overlay records added by scenario '([^']+)'\\))?, [0-9,]+ points written .*, ([0-9,]+) dead letters");

    private static AssetTypes types;
    private static CityTopology topology;
    private static Catalog catalog;
    private static AssetRegistry registry;
    private static List<String> districts;
    private static List<SimRecord> overlay;
    private static Matcher calm;
    private static Matcher typhoon;
    private static Map<String, Double> calmPoints;
    private static Map<String, Double> typhoonPoints;

    @BeforeAll
    static void replayTheSamePeriodWithoutAndWithTheOverlay() throws Exception {
        types = AssetTypes.load("shanghai");
        topology = CityTopology.load("shanghai");
        catalog = CatalogLoader.load("shanghai");
        // No simulated rainstorm in the period: the rain is the overlay's.
        CitySimulator simulator = new CitySimulator(types, topology, CitySimulator.options().seed(29).scale(0.03)
                .badShare(0.01).start(START).duration(DURATION).stormAt(START + 10 * 86_400_000L, 3_600_000));
        registry = simulator.registry();
        SERVICES.registry(registry);
        List<SimRecord> records = new ArrayList<>();
        simulator.forEach(records::add);
        SERVICES.feed(2, records); // the producer's partitioner spreads them over both partitions by asset

        districts = OverlayExpectations.districtsWith(registry, topology, "rain_gauge", "call_center_console",
                "substation_feeder").subList(0, 2);
        Path file = SERVICES.work().resolve("typhoon-it.yaml");
        Files.writeString(file, """
                scenario: typhoon-it
                seed: 11
                start: 1m
                duration: 12m
                districts: ["%s", "%s"]
                readings:
                  - {asset: rain_gauge, metric: rainfall_1h, from: 0.5, to: 85, shape: peak, every: 1m}
                events:
                  - {asset: call_center_console, event: call, rate: 3, per: district, attributes: {call_type: flooding}}
                  - {asset: substation_feeder, event: trip, rate: 0.4, per: district, shape: peak, attributes: {cause: lightning}}
                """.formatted(districts.get(0), districts.get(1)));
        Scenario scenario = new ScenarioLoader(types, topology).load(file);
        overlay = new ScenarioOverlay(scenario, types, topology, registry).records(START, START + DURATION);

        calm = summary(replay("calm"));
        typhoon = summary(replay("typhoon", "--scenario", file.toString()));
        calmPoints = points("calm");
        typhoonPoints = points("typhoon");
    }

    @Test
    void theSummaryCountsTheOverlayRecordsAndEachOfThemWasReadAndAccepted() {
        assertThat(calm.group(2)).isNull();
        assertThat(number(typhoon.group(2))).isEqualTo(overlay.size()).isGreaterThan(50);
        assertThat(typhoon.group(3)).isEqualTo("typhoon-it");
        assertThat(number(typhoon.group(1))).isEqualTo(number(calm.group(1)) + overlay.size());
        assertThat(number(typhoon.group(4))).as("dead letters").isEqualTo(number(calm.group(4)));
    }

    @Test
    void theDistrictsHourlyRainfallMaximumIsTheOverlaysAndCrossesTheCriticalThreshold() throws IOException {
        // Every gauge of the two districts reports the overlay's value each minute, so at each 5-minute tick
        // of the window the area's maximum is the largest overlay reading at that instant.
        Map<String, Double> expected = new TreeMap<>();
        for (SimRecord r : overlay) {
            JsonNode readings = JSON.readTree(r.json()).get("readings");
            if (readings != null && r.time() % 300_000 == 0) {
                String street = registry.get(r.key()).street();
                for (String area : List.of(street, topology.parent(street).code())) {
                    expected.merge("rain_hourly_total_max|" + area + "|" + r.time(), readings.get("rainfall_1h").asDouble(), Math::max);
                }
            }
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(2 * 4); // 2 ticks × 2 districts and at least 2 streets
        Map<String, Double> actual = new TreeMap<>();
        expected.keySet().forEach(key -> actual.put(key, typhoonPoints.get(key)));
        assertThat(actual).isEqualTo(expected);

        double critical = catalog.get("rain_hourly_total_max").alert().critical();
        double warning = catalog.get("rain_hourly_total_max").alert().warning();
        for (String district : districts) {
            String peak = "rain_hourly_total_max|" + district + "|" + (START + 5 * 60_000); // 4 of the 12 minutes: 0.75 of the peak
            assertThat(typhoonPoints.get(peak)).as(peak).isGreaterThan(critical);
            assertThat(calmPoints.get(peak)).as(peak + " without the overlay").isLessThan(warning);
        }
    }

    @Test
    void floodingCallsAndFeederTripsAreHistorysPlusExactlyTheOverlays() throws IOException {
        Map<String, Double> added = OverlayExpectations.countsAdded(overlay, registry, topology);
        assertThat(added.keySet()).anyMatch(k -> k.startsWith("call_flooding_count|" + districts.get(0)))
                .anyMatch(k -> k.startsWith("grid_trip_count|" + districts.get(1)));
        assertThat(OverlayExpectations.at(typhoonPoints, added.keySet())).isEqualTo(OverlayExpectations.plus(calmPoints, added));
    }

    @Test
    void everyIndicatorTheOverlayDoesNotReadIsUnchanged() {
        Set<String> affected = OverlayExpectations.affectedIndicators(catalog,
                Set.of("rain_gauge", "call_center_console", "substation_feeder"), Set.of("call", "trip"));
        Map<String, Double> calmRest = OverlayExpectations.without(calmPoints, affected);
        assertThat(calmRest).hasSizeGreaterThan(10_000);
        assertThat(PointDifferences.between(calmRest, OverlayExpectations.without(typhoonPoints, affected)))
                .as("points of indicators the overlay does not read, with it against without it").isEmpty();
    }

    private static TwinCommandLine.Run replay(String run, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", "--from", FROM, "--to", TO, "--source", "kafka", "--run", run));
        args.addAll(List.of(more));
        args.addAll(SERVICES.settings("twin"));
        return TwinCommandLine.run(args.toArray(String[]::new));
    }

    private static Matcher summary(TwinCommandLine.Run run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        System.out.print(run.out());
        Matcher m = SUMMARY.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        return m;
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    /** Every indicator point of a run: "id|area|time" → value. */
    private static Map<String, Double> points(String run) throws IOException, InterruptedException {
        return SERVICES.points("twin", run, catalog.categories());
    }
}
