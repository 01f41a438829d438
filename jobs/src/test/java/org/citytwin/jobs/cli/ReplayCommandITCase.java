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
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.embedded.TempDirs;
import org.citytwin.jobs.archive.ArchiveFiles;
import org.citytwin.jobs.archive.ArchiveSplit;
import org.citytwin.jobs.engine.ReferenceIndicators;
import org.citytwin.jobs.engine.ReferenceIndicators.Expected;
import org.citytwin.jobs.engine.StoredPoints;
import org.citytwin.jobs.testing.PartitionedFeed;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
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

    /** 00:53 to 01:05 UTC: two archive hours. */
    private static final long START = Instant.parse("2025-07-01T00:53:00Z").toEpochMilli();
    private static final long DURATION = 12 * 60_000;
    private static final String TOPIC = "city-feed";
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

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static Path work;
    private static Path archive;
    private static List<SimRecord> feed;
    private static PartitionedFeed.Partitions partitions;
    private static List<Category> categories;
    private static Map<String, Double> live;
    private static Map<RejectReason, Long> liveDeadLetters;

    @BeforeAll
    static void runTheLiveJobWithTheArchiveOn() throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        work = Files.createTempDirectory("twin-replay-it-");
        archive = work.resolve("archive");
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        Catalog catalog = CatalogLoader.load("shanghai");
        categories = catalog.categories();
        CitySimulator simulator = new CitySimulator(types, topology, CitySimulator.options()
                .seed(9).scale(0.03).badShare(0.02).start(START).duration(DURATION));
        feed = new ArrayList<>();
        simulator.forEach(feed::add);
        simulator.registry().write(work.resolve("registry.jsonl"));
        partitions = PartitionedFeed.arrange(feed, PARTITIONS, HELD_BACK_SHARE, MAX_OUT_OF_ORDERNESS, ALLOWED_LATENESS, 9);
        // Retention goes by record timestamps: with the default 7 days, the broker would delete a feed
        // stamped in 2025 while the test runs. A topic replays read from keeps what they need.
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (SimRecord r : partitions.records().get(p)) { // stamped with their event time, as `twin simulate --kafka` does
                records.add(new ProducerRecord<>(TOPIC, p, r.time(), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
            }
        }
        kafka.produce(records);
        influx.createDatabase("twin");

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
        Map<String, Double> missing = new TreeMap<>(live);
        replayed.keySet().forEach(missing::remove);
        Map<String, Double> extra = new TreeMap<>(replayed);
        live.keySet().forEach(extra::remove);
        List<String> different = new ArrayList<>();
        live.forEach((key, value) -> {
            Double other = replayed.get(key);
            if (other != null && !other.equals(value)) {
                different.add(key + " live " + value + " " + drill + " " + other);
            }
        });
        assertThat(summary(missing, extra, different)).as(drill + " vs the live run").isEmpty();
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

    /** Counts and the first few of each kind of difference, with the point times they fall on; "" when none. */
    private static String summary(Map<String, Double> missing, Map<String, Double> extra, List<String> different) {
        if (missing.isEmpty() && extra.isEmpty() && different.isEmpty()) {
            return "";
        }
        return missing.size() + " missing (times " + times(missing.keySet()) + ", e.g. "
                + missing.keySet().stream().limit(5).toList() + "), " + extra.size() + " extra (times "
                + times(extra.keySet()) + ", e.g. " + extra.keySet().stream().limit(5).toList() + "), "
                + different.size() + " different " + different.stream().limit(5).toList();
    }

    private static Map<String, Integer> times(java.util.Collection<String> keys) {
        Map<String, Integer> byTime = new TreeMap<>();
        keys.forEach(k -> byTime.merge(Instant.ofEpochMilli(Long.parseLong(k.substring(k.lastIndexOf('|') + 1)))
                .toString(), 1, Integer::sum));
        return byTime;
    }

    /** Every indicator point of a run: "id|area|time" → value. */
    private static Map<String, Double> points(String database, String run) throws IOException, InterruptedException {
        Map<String, Double> points = new HashMap<>();
        for (Category category : categories) { // one query per category keeps each answer small
            for (Map<String, Object> row : influx.query(database, "SELECT \"value\", \"id\", \"area\" FROM indicator"
                    + " WHERE \"run\" = '" + run + "' AND \"category\" = '" + category.id() + "'")) {
                points.put(row.get("id") + "|" + row.get("area") + "|" + row.get("time"), (Double) row.get("value"));
            }
        }
        List<Map<String, Object>> count = influx.query(database,
                "SELECT count(value) FROM indicator WHERE \"run\" = '" + run + "'");
        assertThat(count.isEmpty() ? 0L : ((Double) count.get(0).get("count")).longValue())
                .as("points of run " + run + " in " + database).isEqualTo(points.size());
        return points;
    }

    /** A twin command on this test's Kafka, InfluxDB database and files. */
    private static TwinCommandLine.Run twin(String database, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=" + TOPIC,
                "--set", "registry.file=" + work.resolve("registry.jsonl"),
                "--set", "influxdb.url=" + influx.url(),
                "--set", "influxdb.database=" + database,
                "--set", "dead-letters.dir=" + work.resolve("dead-letters"),
                "--set", "checkpoint.dir=" + work.resolve("checkpoints").toUri(),
                "--set", "checkpoint.interval=1 s",
                "--set", "alerts.enabled=false",
                "--set", "parallelism=2"));
        return TwinCommandLine.run(all.toArray(String[]::new));
    }
}
