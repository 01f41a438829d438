package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.embedded.TempDirs;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioLoader;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.ScenarioOverlay;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
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

    private static final long START = Instant.parse("2025-07-01T02:00:00Z").toEpochMilli();
    private static final long DURATION = 15 * 60_000;
    private static final String FROM = Instant.ofEpochMilli(START).toString();
    private static final String TO = Instant.ofEpochMilli(START + DURATION).toString();
    private static final String TOPIC = "city-feed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY = Pattern.compile(
            ": ([0-9,]+) records(?: \\(([0-9,]+) of them overlay records added by scenario '([^']+)'\\))?, [0-9,]+ points written .*, ([0-9,]+) dead letters");

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static Path work;
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
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        work = Files.createTempDirectory("twin-scenario-it-");
        types = AssetTypes.load("shanghai");
        topology = CityTopology.load("shanghai");
        catalog = CatalogLoader.load("shanghai");
        // No simulated rainstorm in the period: the rain is the overlay's.
        CitySimulator simulator = new CitySimulator(types, topology, CitySimulator.options().seed(29).scale(0.03)
                .badShare(0.01).start(START).duration(DURATION).stormAt(START + 10 * 86_400_000L, 3_600_000));
        registry = simulator.registry();
        registry.write(work.resolve("registry.jsonl"));
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (SimRecord r : simulator) { // keyed by asset: the producer's partitioner spreads them over both partitions
            records.add(new ProducerRecord<>(TOPIC, null, r.time(), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        kafka.produce(records);
        influx.createDatabase("twin");

        districts = districtsWith("rain_gauge", "call_center_console", "substation_feeder").subList(0, 2);
        Path file = work.resolve("typhoon-it.yaml");
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

    @AfterAll
    static void stop() throws Exception {
        if (influx != null) {
            influx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (work != null) {
            TempDirs.deleteRecursively(work);
        }
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
        Map<String, Double> added = new TreeMap<>();
        for (SimRecord r : overlay) {
            JsonNode record = JSON.readTree(r.json());
            if (record.has("event")) {
                String id = record.get("event").asText().equals("call") ? "call_flooding_count" : "grid_trip_count";
                long windowEnd = (r.time() / 900_000 + 1) * 900_000; // both are 15-minute windows
                String street = registry.get(r.key()).street();
                for (String area : List.of(street, topology.parent(street).code(), topology.city().code())) {
                    added.merge(id + "|" + area + "|" + windowEnd, 1.0, Double::sum);
                }
            }
        }
        assertThat(added.keySet()).anyMatch(k -> k.startsWith("call_flooding_count|" + districts.get(0)))
                .anyMatch(k -> k.startsWith("grid_trip_count|" + districts.get(1)));
        Map<String, Double> expected = new TreeMap<>();
        Map<String, Double> actual = new TreeMap<>();
        added.forEach((key, count) -> {
            expected.put(key, calmPoints.getOrDefault(key, 0.0) + count);
            actual.put(key, typhoonPoints.get(key));
        });
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void everyIndicatorTheOverlayDoesNotReadIsUnchanged() {
        Set<String> affected = affectedIndicators(Set.of("rain_gauge", "call_center_console", "substation_feeder"),
                Set.of("call", "trip"));
        Map<String, Double> calmRest = without(calmPoints, affected);
        Map<String, Double> typhoonRest = without(typhoonPoints, affected);
        assertThat(calmRest).hasSizeGreaterThan(10_000);
        Map<String, Double> different = new TreeMap<>();
        calmRest.forEach((key, value) -> {
            if (!value.equals(typhoonRest.get(key))) {
                different.put(key, typhoonRest.get(key));
            }
        });
        typhoonRest.keySet().stream().filter(key -> !calmRest.containsKey(key)).forEach(key -> different.put(key, typhoonRest.get(key)));
        assertThat(different).as("points of indicators the overlay does not read, different with it").isEmpty();
    }

    /** Indicators reading the asset types or event kinds, and formulas over them (transitively). */
    private static Set<String> affectedIndicators(Set<String> assetTypes, Set<String> eventKinds) {
        Set<String> affected = new HashSet<>();
        for (Indicator i : catalog.indicators()) {
            if (i.assetType() != null ? assetTypes.contains(i.assetType()) : i.event() != null && eventKinds.contains(i.event())) {
                affected.add(i.id());
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Indicator i : catalog.indicators()) {
                if (i.formula() != null && !affected.contains(i.id())
                        && affected.stream().anyMatch(a -> Pattern.compile("\\b" + a + "\\b").matcher(i.formula()).find())) {
                    grew = affected.add(i.id());
                }
            }
        }
        return affected;
    }

    private static Map<String, Double> without(Map<String, Double> points, Set<String> ids) {
        Map<String, Double> rest = new HashMap<>();
        points.forEach((key, value) -> {
            if (!ids.contains(key.substring(0, key.indexOf('|')))) {
                rest.put(key, value);
            }
        });
        return rest;
    }

    /** Districts where the registry has assets of every one of these types, by code. */
    private static List<String> districtsWith(String... assetTypes) {
        Map<String, Set<String>> typesByDistrict = new TreeMap<>();
        for (Asset a : registry.all()) {
            typesByDistrict.computeIfAbsent(topology.parent(a.street()).code(), d -> new HashSet<>()).add(a.type());
        }
        List<String> found = new ArrayList<>();
        typesByDistrict.forEach((district, present) -> {
            if (present.containsAll(List.of(assetTypes))) {
                found.add(district);
            }
        });
        assertThat(found).as("districts with " + List.of(assetTypes)).hasSizeGreaterThanOrEqualTo(2);
        return found;
    }

    private static TwinCommandLine.Run replay(String run, String... more) {
        List<String> args = new ArrayList<>(List.of("replay", "--from", FROM, "--to", TO, "--source", "kafka", "--run", run));
        args.addAll(List.of(more));
        args.addAll(List.of(
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=" + TOPIC,
                "--set", "registry.file=" + work.resolve("registry.jsonl"),
                "--set", "influxdb.url=" + influx.url(),
                "--set", "influxdb.database=twin",
                "--set", "dead-letters.dir=" + work.resolve("dead-letters"),
                "--set", "checkpoint.dir=" + work.resolve("checkpoints").toUri(),
                "--set", "alerts.enabled=false",
                "--set", "parallelism=2"));
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
        Map<String, Double> points = new HashMap<>();
        for (Category category : catalog.categories()) { // one query per category keeps each answer small
            for (Map<String, Object> row : influx.query("twin", "SELECT \"value\", \"id\", \"area\" FROM indicator"
                    + " WHERE \"run\" = '" + run + "' AND \"category\" = '" + category.id() + "'")) {
                points.put(row.get("id") + "|" + row.get("area") + "|" + row.get("time"), (Double) row.get("value"));
            }
        }
        return points;
    }
}
