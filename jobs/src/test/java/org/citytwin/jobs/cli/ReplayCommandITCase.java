package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code twin replay} against what {@code twin run} did live: a simulated quarter of an hour
 * (across an hour boundary, with 2 % bad records: late, duplicate, malformed ...) runs live with the
 * archive on, then is replayed from the archive and from Kafka into drill runs, at max speed and at
 * 60×, and as a backfill of one formula indicator into the live series. Every point of every drill
 * run must equal the live run's point, value and timestamp, as InfluxDB holds them.
 */
class ReplayCommandITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    /** 00:53 to 01:05 UTC: two archive hours. */
    private static final long START = Instant.parse("2025-07-01T00:53:00Z").toEpochMilli();
    private static final long DURATION = 12 * 60_000;
    private static final String TOPIC = "city-feed";
    /** The replayed period starts before the simulation: its LATE records are stamped up to 10 minutes before it. */
    private static final String FROM = Instant.ofEpochMilli(START - 15 * 60_000).toString();
    private static final String TO = Instant.ofEpochMilli(START + DURATION).toString();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static Path work;
    private static Path archive;
    private static List<SimRecord> feed;
    private static List<Category> categories;
    private static Map<String, Double> live;

    @BeforeAll
    static void runTheLiveJobWithTheArchiveOn() throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        work = Files.createTempDirectory("twin-replay-it-");
        archive = work.resolve("archive");
        AssetTypes types = AssetTypes.load("shanghai");
        categories = CatalogLoader.load("shanghai").categories();
        CitySimulator simulator = new CitySimulator(types, CityTopology.load("shanghai"), CitySimulator.options()
                .seed(9).scale(0.03).badShare(0.02).start(START).duration(DURATION));
        feed = new ArrayList<>();
        simulator.forEach(feed::add);
        simulator.registry().write(work.resolve("registry.jsonl"));
        // Retention goes by record timestamps: with the default 7 days, the broker would delete a feed
        // stamped in 2025 while the test runs. A topic replays read from keeps what they need.
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (SimRecord r : feed) { // stamped with their event time, as `twin simulate --kafka` does
            records.add(new ProducerRecord<>(TOPIC, 0, r.time(), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        kafka.produce(records);
        influx.createDatabase("twin");

        TwinCommandLine.Run run = twin("twin", "run", "--set", "feed.kafka.starting-offsets=earliest",
                "--set", "feed.kafka.bounded=true", "--set", "archive.dir=" + archive);
        assertThat(run.exitCode()).as(run.err()).isZero();
        live = points("twin", "live");
        System.out.printf("live: %d records, %d points%n", feed.size(), live.size());
        assertThat(live).hasSizeGreaterThan(10_000);
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
    void theArchiveHoldsEveryAcceptedRecordOnceAsItsOriginalJsonInHourDirectories() throws Exception {
        Map<String, Integer> expected = new TreeMap<>();
        for (SimRecord r : feed) {
            if (!r.recordClass().rejectedByParser()) {
                expected.merge(r.text(), 1, Integer::sum);
            }
        }
        Map<String, Integer> archived = new TreeMap<>();
        List<String> hours = new ArrayList<>();
        try (Stream<Path> files = Files.walk(archive)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                assertThat(file.getFileName().toString()).as("committed part file").startsWith("feed-").endsWith(".jsonl.gz");
                String hour = archive.relativize(file.getParent()).toString();
                if (!hours.contains(hour)) {
                    hours.add(hour);
                }
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
                    lines.lines().forEach(line -> archived.merge(line, 1, Integer::sum));
                }
            }
        }
        assertThat(hours).containsExactly("2025-07-01/00", "2025-07-01/01");
        assertThat(archived).isEqualTo(expected);
    }

    @Test
    void aReplayFromTheArchiveGivesEveryPointOfTheLiveRun() throws Exception {
        assertSamePointsAsLive(replay("drill-archive", "archive", archive.toString(), "max"), "drill-archive");
    }

    @Test
    void aReplayFromKafkaGivesEveryPointOfTheLiveRun() throws Exception {
        assertSamePointsAsLive(replay("drill-kafka", "kafka", null, "max"), "drill-kafka");
    }

    @Test
    void aReplayAtSixtyTimesRealTimeTakesThePeriodOverSixtyAndGivesTheSamePoints() throws Exception {
        long t0 = System.nanoTime();
        TwinCommandLine.Run run = replay("drill-60", "archive", archive.toString(), "60");
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertSamePointsAsLive(run, "drill-60");
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

    private static void assertSamePointsAsLive(TwinCommandLine.Run run, String drill) throws Exception {
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
        System.out.printf("%s: %d points, each equal to the live run's%n", drill, replayed.size());
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
