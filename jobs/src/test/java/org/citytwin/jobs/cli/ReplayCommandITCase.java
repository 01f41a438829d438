package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.jobs.archive.ArchiveFiles;
import org.citytwin.jobs.archive.ArchiveSplit;
import org.citytwin.jobs.engine.ReferenceIndicators;
import org.citytwin.jobs.engine.ReferenceIndicators.Expected;
import org.citytwin.jobs.engine.StoredPoints;
import org.citytwin.jobs.testing.OverlayExpectations;
import org.citytwin.jobs.testing.PartitionedFeed;
import org.citytwin.jobs.testing.PointDifferences;
import org.citytwin.jobs.testing.ReplayFixture;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioLoader;
import org.citytwin.model.sim.ScenarioOverlay;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code twin replay} against what {@code twin run} did live: a simulated quarter of an hour
 * (across an hour boundary, with 2 % bad records: late, duplicate, malformed ...) on a topic of
 * {@value #PARTITIONS} partitions, with {@value #HELD_BACK_SHARE} of the good records arriving behind
 * their partition's watermark, runs live with the archive on, then is replayed from the archive and
 * from Kafka into drill runs, at max speed and at 60×, and as a backfill of one formula indicator
 * into the live series. Every point of every drill run must equal the live run's point, value and
 * timestamp, as InfluxDB holds them, and its dead letters per reason the live run's; the live run's
 * points and dead letters equal those of the independent reference ({@link ReferenceIndicators}).
 *
 * <p>Live, the source reads the partitions far apart in event time (a partition's records come in
 * fetches, and the four are not read in step), more than the allowed lateness. An archive read as
 * one clock, as before the partition directories, judges the partition behind against the one
 * ahead (this test's archive replay then had 453 dead letters instead of 35, and 25,742 points
 * differed); read per partition, with a watermark each, it decides as live did.
 */
class ReplayCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();
    @RegisterExtension
    static final ReplayFixture SERVICES = new ReplayFixture("replay-it");

    /** 00:53 to 01:05 UTC: two archive hours. */
    private static final long START = Instant.parse("2025-07-01T00:53:00Z").toEpochMilli();
    private static final long DURATION = 12 * 60_000;
    private static final int PARTITIONS = 4;
    /** Good records held back in their partition until they are behind its watermark (not LATE). */
    private static final double HELD_BACK_SHARE = 0.07;
    /** The engine's defaults (twin.yaml's watermark.max-out-of-orderness and lateness.allowed). */
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final Duration ALLOWED_LATENESS = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The replayed period starts before the simulation: its LATE records are stamped up to 10 minutes before it. */
    private static final String FROM = Instant.ofEpochMilli(START - 15 * 60_000).toString();
    private static final String TO = Instant.ofEpochMilli(START + DURATION).toString();

    private static EmbeddedInfluxDb influx;
    private static Path work;
    private static Path archive;
    private static AssetTypes types;
    private static CityTopology topology;
    private static Catalog catalog;
    private static AssetRegistry registry;
    private static List<SimRecord> feed;
    private static PartitionedFeed.Partitions partitions;
    private static List<Category> categories;
    private static Map<String, Double> live;
    private static Map<RejectReason, Long> liveDeadLetters;

    @BeforeAll
    static void runTheLiveJobWithTheArchiveOn() throws Exception {
        influx = SERVICES.influx();
        work = SERVICES.work();
        archive = work.resolve("archive");
        types = AssetTypes.load("shanghai");
        topology = CityTopology.load("shanghai");
        catalog = CatalogLoader.load("shanghai");
        categories = catalog.categories();
        CitySimulator simulator = new CitySimulator(types, topology, CitySimulator.options()
                .seed(9).scale(0.03).badShare(0.02).start(START).duration(DURATION));
        feed = new ArrayList<>();
        simulator.forEach(feed::add);
        registry = simulator.registry();
        SERVICES.registry(registry);
        partitions = PartitionedFeed.arrange(feed, PARTITIONS, HELD_BACK_SHARE, MAX_OUT_OF_ORDERNESS, ALLOWED_LATENESS, 9);
        SERVICES.feed(partitions.records());

        TwinCommandLine.Run run = twin("twin", "run", "--set", "feed.kafka.starting-offsets=earliest",
                "--set", "feed.kafka.bounded=true", "--set", "archive.dir=" + archive);
        assertThat(run.exitCode()).as(run.err()).isZero();
        live = points("twin", "live");
        liveDeadLetters = deadLetters(work.resolve("dead-letters"));
        System.out.printf("live: %d records on %d partitions (%.1f %% of the good ones behind their partition's"
                + " watermark), %d points, dead letters %s%n", feed.size(), PARTITIONS, 100 * partitions.behindShare(),
                live.size(), liveDeadLetters);
        assertThat(live).hasSizeGreaterThan(10_000);

        Expected expected = ReferenceIndicators.compute(catalog, types, topology, simulator.registry(),
                MAX_OUT_OF_ORDERNESS, ALLOWED_LATENESS, PartitionedFeed.payloads(partitions.records()));
        EvaluationPlan plan = EvaluationPlan.compile(catalog, types, topology);
        assertThat(StoredPoints.read(influx, "twin", plan).differencesFrom(expected.points(), plan))
                .as("the live run's points against the reference").isEmpty();
        assertThat(liveDeadLetters).as("the live run's dead letters against the reference").isEqualTo(expected.deadLetters());
        assertThat(liveDeadLetters.get(RejectReason.LATE)).as("LATE dead letters").isPositive();
    }

    @Test
    void theArchiveHoldsEachPartitionsAcceptedRecordsOnceInTheirOrderAsTheirOriginalJson() throws Exception {
        List<String> directories = new ArrayList<>();
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                assertThat(file.getFileName().toString()).as("committed part file").startsWith("feed-").endsWith(".jsonl.gz");
                String directory = archive.relativize(file.getParent()).toString();
                if (!directories.contains(directory)) {
                    directories.add(directory);
                }
            }
        }
        List<String> expectedDirectories = new ArrayList<>();
        for (String hour : List.of("2025-07-01/00", "2025-07-01/01")) {
            for (int p = 0; p < PARTITIONS; p++) {
                expectedDirectories.add(hour + "/partition-" + p);
            }
        }
        assertThat(directories).containsExactlyElementsOf(expectedDirectories);

        List<ArchiveSplit> splits = ArchiveFiles.between(archive.toString(), START - 3_600_000, START + DURATION);
        assertThat(splits).extracting(ArchiveSplit::partition).containsExactly(0, 1, 2, 3);
        for (ArchiveSplit split : splits) {
            List<String> archived = new ArrayList<>();
            for (String file : split.files()) {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(Path.of(file.replaceFirst("^file:", "")))),
                        StandardCharsets.UTF_8))) {
                    lines.lines().forEach(archived::add);
                }
            }
            List<String> accepted = partitions.records().get(split.partition()).stream()
                    .filter(r -> !r.recordClass().rejectedByParser()).map(SimRecord::text).toList();
            assertThat(archived).as("partition %d's files in written order", split.partition()).isEqualTo(accepted);
        }
    }

    @Test
    void aReplayFromTheArchiveGivesEveryPointOfTheLiveRun() throws Exception {
        assertSamePointsAsLive(replay("drill-archive", "archive", archive.toString(), "max"), "drill-archive", true);
    }

    @Test
    void aReplayFromKafkaGivesEveryPointOfTheLiveRun() throws Exception {
        assertSamePointsAsLive(replay("drill-kafka", "kafka", null, "max"), "drill-kafka", false);
    }

    /**
     * {@code --scenario} on a replay from the archive (as {@link ScenarioReplayITCase} does from
     * Kafka): flooding calls in two districts are merged into the archived history. The drill's
     * flooding-call counts are the live run's plus exactly the overlay's, computed here from its
     * records, and every indicator that reads no calls equals the live run's.
     */
    @Test
    void aReplayFromTheArchiveWithAScenarioAddsExactlyTheOverlaysFloodingCallsToTheLiveRunsPoints() throws Exception {
        List<String> districts = OverlayExpectations.districtsWith(registry, topology, "call_center_console").subList(0, 2);
        Path file = work.resolve("flooding-calls-it.yaml");
        Files.writeString(file, """
                scenario: flooding-calls-it
                seed: 5
                start: 16m
                duration: 10m
                districts: ["%s", "%s"]
                events:
                  - {asset: call_center_console, event: call, rate: 3, per: district, attributes: {call_type: flooding}}
                """.formatted(districts.get(0), districts.get(1)));
        Scenario scenario = new ScenarioLoader(types, topology).load(file);
        List<SimRecord> overlay = new ScenarioOverlay(scenario, types, topology, registry)
                .records(Instant.parse(FROM).toEpochMilli(), Instant.parse(TO).toEpochMilli());
        TwinCommandLine.Run run = twin("twin", "replay", "--from", FROM, "--to", TO, "--source", "archive",
                archive.toString(), "--run", "drill-flooding", "--scenario", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        System.out.print(run.out());
        assertThat(run.out()).contains(String.format("(%,d of them overlay records added by scenario 'flooding-calls-it')",
                overlay.size()));
        Map<String, Double> drill = points("twin", "drill-flooding");

        Map<String, Double> added = OverlayExpectations.countsAdded(overlay, registry, topology);
        assertThat(added.keySet()).anyMatch(k -> k.startsWith("call_flooding_count|" + districts.get(0)))
                .anyMatch(k -> k.startsWith("call_flooding_count|" + districts.get(1)));
        assertThat(OverlayExpectations.at(drill, added.keySet())).isEqualTo(OverlayExpectations.plus(live, added));

        Set<String> affected = OverlayExpectations.affectedIndicators(catalog, Set.of("call_center_console"), Set.of("call"));
        Map<String, Double> liveRest = OverlayExpectations.without(live, affected);
        assertThat(liveRest).hasSizeGreaterThan(10_000);
        assertThat(PointDifferences.between(liveRest, OverlayExpectations.without(drill, affected)))
                .as("points of indicators that read no calls, drill-flooding vs the live run").isEmpty();
    }

    @Test
    void aReplayAtSixtyTimesRealTimeTakesThePeriodOverSixtyAndGivesTheSamePoints() throws Exception {
        long t0 = System.nanoTime();
        TwinCommandLine.Run run = replay("drill-60", "archive", archive.toString(), "60");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertSamePointsAsLive(run, "drill-60", true);
        // The records' times span the simulated period less its last second at most.
        assertThat(seconds).as("wall time of %d simulated seconds at 60×", DURATION / 1000)
                .isGreaterThanOrEqualTo((DURATION - 1000) / 1000.0 / 60);
    }

    @Test
    void aBackfillWritesTheSelectedFormulaIntoTheLiveSeriesAndNoOtherIndicator() throws Exception {
        influx.createDatabase("backfill");
        TwinCommandLine.Run run = twin("backfill", "replay", "--from", FROM, "--to", TO, "--source", "archive", archive.toString(),
                "--run", "live", "--indicators", "pop_visitor_ratio");
        assertThat(run.exitCode()).as(run.err()).isZero();

        Map<String, Double> liveLoadFactor = new HashMap<>();
        live.forEach((key, value) -> {
            if (key.startsWith("pop_visitor_ratio|")) {
                liveLoadFactor.put(key, value);
            }
        });
        assertThat(liveLoadFactor).isNotEmpty();
        // Its inputs pop_actual_total and pop_visitors_total were evaluated (the values match) but not written.
        assertThat(points("backfill", "live")).isEqualTo(liveLoadFactor);
        assertThat(influx.query("backfill", "SELECT count(value) FROM indicator WHERE id <> 'pop_visitor_ratio'")).isEmpty();
        assertThat(influx.query("backfill", "SHOW MEASUREMENTS")).extracting(row -> row.get("name"))
                .containsExactly("indicator");
    }

    private static TwinCommandLine.Run replay(String run, String source, String dir, String speed) {
        List<String> args = new ArrayList<>(List.of("replay", "--from", FROM, "--to", TO, "--source", source));
        if (dir != null) {
            args.add(dir);
        }
        args.addAll(List.of("--run", run, "--speed", speed));
        return twin("twin", args.toArray(String[]::new));
    }

    /**
     * The drill's points equal the live run's, and so do its dead letters per reason: from the
     * archive, which holds only the records the parser accepted, those the engine decides (LATE,
     * DUPLICATE).
     */
    private static void assertSamePointsAsLive(TwinCommandLine.Run run, String drill, boolean fromArchive)
            throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        System.out.print(run.out());
        assertThat(run.out()).contains("replay '" + drill + "' ");
        Map<String, Double> replayed = points("twin", drill);
        assertThat(PointDifferences.between(live, replayed)).as(drill + " vs the live run").isEmpty();
        Map<RejectReason, Long> expectedLetters = new TreeMap<>(liveDeadLetters);
        if (fromArchive) {
            expectedLetters.keySet().retainAll(List.of(RejectReason.LATE, RejectReason.DUPLICATE));
        }
        Map<RejectReason, Long> letters = deadLetters(work.resolve("dead-letters").resolve(drill));
        assertThat(letters).as(drill + "'s dead letters per reason").isEqualTo(expectedLetters);
        System.out.printf("%s: %d points, each equal to the live run's; dead letters %s%n", drill, replayed.size(), letters);
    }

    /** The dead letters per reason in the JSON-lines files under {@code dir}, its run directories excluded. */
    private static Map<RejectReason, Long> deadLetters(Path dir) throws IOException {
        Map<RejectReason, Long> byReason = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path bucket = dir.relativize(file);
                if (file.getFileName().toString().startsWith(".") || bucket.getNameCount() > 2) {
                    continue; // being written, or a drill's (dir/<run>/<hour>/part-...)
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    byReason.merge(RejectReason.valueOf(JSON.readTree(line).get("reason").asText()), 1L, Long::sum);
                }
            }
        }
        return byReason;
    }

    /** Every indicator point of a run: "id|area|time" → value. */
    private static Map<String, Double> points(String database, String run) throws IOException, InterruptedException {
        return SERVICES.points(database, run, categories);
    }

    /** A twin command on this test's Kafka, InfluxDB database and files. */
    private static TwinCommandLine.Run twin(String database, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(SERVICES.settings(database));
        all.addAll(List.of("--set", "checkpoint.interval=1 s"));
        return TwinCommandLine.run(all.toArray(String[]::new));
    }
}
