package org.citytwin.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.cli.RunCommand;
import org.citytwin.jobs.cli.ToolCommand;
import org.citytwin.jobs.config.TwinConfig;
import org.citytwin.jobs.engine.metrics.EngineSample;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.FeedWriter;
import org.citytwin.model.topology.CityTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code twin demo}: everything on this machine — an in-process Kafka broker, a private InfluxDB,
 * the simulated city feed and the engine in a local Flink — with a live summary, until Ctrl-C or
 * {@code --minutes}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the engine on embedded Kafka and InfluxDB with a simulated Shanghai feed (演示).")
public final class DemoCommand implements ToolCommand {

    private static final String FEED_TOPIC = "city-feed";
    private static final String DEAD_LETTER_TOPIC = "city-feed-dead-letters";
    private static final String DATABASE = "twin";

    @Option(names = "--minutes", defaultValue = "0", description = "Stop after this many minutes (0: on Ctrl-C).")
    int minutes;

    @Option(names = "--hours", defaultValue = "6", description = "Simulated hours of feed, ending now (default: ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--scale", defaultValue = "0.2", description = "City size (1.0 ≈ 55k assets; default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--bad-share", defaultValue = "0.01", description = "Share of deliberately bad records (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Indicator points counted by the last summary (after Ctrl-C, influxd may already be gone). */
    private volatile double pointsAtLastSummary;

    @Override
    public Integer call() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        Path work = Files.createTempDirectory("twin-demo-");
        System.out.println("Starting Kafka (KRaft, in-process) and InfluxDB (influxd) ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedInfluxDb influx = EmbeddedInfluxDb.start();
                DemoAlerts alerts = DemoAlerts.start(work)) {
            kafka.createTopic(FEED_TOPIC, 4);
            kafka.createTopic(DEAD_LETTER_TOPIC, 1);
            influx.createDatabase(DATABASE);
            System.out.println("Kafka: " + kafka.bootstrapServers() + " (topics " + FEED_TOPIC + ", " + DEAD_LETTER_TOPIC
                    + ")  InfluxDB: " + influx.url() + " (database " + DATABASE + ")");
            System.out.println("Grafana: point it at INFLUXDB_URL=" + influx.url() + " INFLUXDB_DATABASE=" + DATABASE
                    + " (grafana/README.md; deploy/README.md runs one with Docker). Logs: " + logFile());

            AssetTypes types = AssetTypes.load("shanghai");
            CityTopology topology = CityTopology.load("shanghai");
            Catalog catalog = CatalogLoader.load("shanghai");
            long end = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
            CitySimulator sim = new CitySimulator(types, topology, CitySimulator.options().seed(seed).scale(scale)
                    .badShare(badShare).start(end - Duration.ofHours(hours).toMillis())
                    .duration(Duration.ofHours(hours).toMillis()));
            Path registry = work.resolve("registry.jsonl.gz");
            sim.registry().write(registry);

            AtomicLong produced = new AtomicLong();
            Thread feed = new Thread(() -> produce(kafka, sim, produced), "demo-feed");
            feed.setDaemon(true);
            feed.start();

            List<String> settings = new java.util.ArrayList<>(alerts.options());
            settings.addAll(List.of(
                    "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "feed.kafka.starting-offsets=earliest",
                    "registry.file=" + registry,
                    "influxdb.url=" + influx.url(),
                    "influxdb.database=" + DATABASE,
                    "dead-letters.kafka.topic=" + DEAD_LETTER_TOPIC,
                    "checkpoint.interval=5 s",
                    "checkpoint.dir=" + work.resolve("checkpoints").toUri(),
                    "parallelism=" + parallelism));
            Configuration options = TwinConfig.load(null, settings);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    alerts.withDelayReporter(RunCommand.engineEnvironment(options)));
            RunCommand.build(env, options, Map.of(), false);
            JobClient job = env.executeAsync("twin demo");
            System.out.printf("City: Shanghai 上海, %,d assets, %d indicators in %d categories; %d simulated hours "
                    + "ending now.%n", sim.registry().size(), catalog.size(), catalog.categories().size(), hours);
            try {
                watch(job, influx, catalog, produced, alerts);
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
                printWhereTheDataIs(influx);
            }
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    /** The file the CLI's log4j2 configuration writes warnings to (appender "file"), or null without one. */
    private static String logFile() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        return context.getConfiguration().getAppender("file") instanceof FileAppender f ? f.getFileName() : null;
    }

    private void watch(JobClient job, EmbeddedInfluxDb influx, Catalog catalog, AtomicLong produced, DemoAlerts alerts)
            throws Exception {
        long started = System.nanoTime();
        long deadline = minutes > 0 ? started + TimeUnit.MINUTES.toNanos(minutes) : Long.MAX_VALUE;
        long previousRead = 0;
        long previousTime = started;
        while (!stop.await(5, TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            JobStatus status = job.getJobStatus().get();
            if (status.isGloballyTerminalState()) {
                System.out.println("The job ended: " + status);
                return;
            }
            // The engine's own account: totals per operator subtask, sampled every 10 s.
            long read = 0;
            long applied = 0;
            Map<String, Long> deadLetters = new TreeMap<>();
            for (Map<String, Object> row : influx.query(DATABASE, String.format(EngineSample.ACCOUNT_QUERY, "live"))) {
                long total = Math.round((Double) row.get("sum"));
                switch ((String) row.get("metric")) {
                    case "records_read" -> read = total;
                    case "records_applied" -> applied = total;
                    case "dead_letters" -> deadLetters.put((String) row.get("reason"), total);
                    default -> { }
                }
            }
            long now = System.nanoTime();
            double rate = (read - previousRead) / ((now - previousTime) / 1e9);
            previousRead = read;
            previousTime = now;
            double points = single(influx, "SELECT count(value) FROM indicator");
            pointsAtLastSummary = points;
            System.out.printf("%n[%ds] feed: %,d records produced, %,d read, %,d applied, %,.0f records/s | "
                    + "indicator points written: %,.0f%n", Duration.ofNanos(now - started).toSeconds(),
                    produced.get(), read, applied, rate, points);
            System.out.println("  dead letters 死信: " + (deadLetters.isEmpty() ? "none" : deadLetters));
            System.out.println("  worst status per category 各类别最差状态 (city level, latest point):");
            System.out.println(worstStatus(influx, catalog));
            System.out.println(alerts.summary(influx, DATABASE));
        }
    }

    /** OK / WARNING / CRITICAL per category, from the latest city-level point of each indicator with thresholds. */
    private static String worstStatus(EmbeddedInfluxDb influx, Catalog catalog) throws Exception {
        Map<String, Double> latest = new TreeMap<>();
        for (Map<String, Object> row : influx.query(DATABASE,
                "SELECT last(value) FROM indicator WHERE level = 'city' GROUP BY id")) {
            latest.put((String) row.get("id"), (Double) row.get("last"));
        }
        StringBuilder out = new StringBuilder();
        int column = 0;
        for (Category category : catalog.categories()) {
            String worst = "OK";
            for (Indicator indicator : catalog.indicators()) {
                Double value = latest.get(indicator.id());
                if (!indicator.category().equals(category.id()) || indicator.alert() == null || value == null) {
                    continue;
                }
                String status = status(indicator.alert(), value);
                if (status.equals("CRITICAL") || (status.equals("WARNING") && worst.equals("OK"))) {
                    worst = status;
                }
            }
            out.append(String.format("    %-18s %-9s", category.id(), worst));
            if (++column % 4 == 0) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String status(Alert alert, double value) {
        boolean above = alert.direction() == Alert.Direction.ABOVE;
        if (above ? value >= alert.critical() : value <= alert.critical()) {
            return "CRITICAL";
        }
        return (above ? value >= alert.warning() : value <= alert.warning()) ? "WARNING" : "OK";
    }

    private static double single(EmbeddedInfluxDb influx, String query) throws Exception {
        List<Map<String, Object>> rows = influx.query(DATABASE, query);
        return rows.isEmpty() ? 0 : (Double) rows.get(0).values().stream().filter(v -> v instanceof Double)
                .findFirst().orElse(0.0);
    }

    private static void produce(EmbeddedKafka kafka, CitySimulator sim, AtomicLong produced) {
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            FeedWriter.run(sim, FeedWriter.Pace.FAST, r -> {
                producer.send(new ProducerRecord<>(FEED_TOPIC, null, r.time(),
                        r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.json()));
                produced.incrementAndGet();
            }, n -> { });
        } catch (Exception e) {
            System.err.println("feed stopped: " + e);
        }
    }

    private void printWhereTheDataIs(EmbeddedInfluxDb influx) {
        try {
            System.out.printf("%nWritten: %,.0f indicator points in %,.0f series (id × area).%n",
                    single(influx, "SELECT count(value) FROM indicator"),
                    single(influx, "SHOW SERIES EXACT CARDINALITY FROM indicator"));
        } catch (Exception e) {
            // Ctrl-C reaches the whole process group: influxd stops at once with the demo.
            System.out.printf("%nWritten: %,.0f indicator points by the last summary.%n", pointsAtLastSummary);
        }
        System.out.println("The demo's InfluxDB (" + influx.url() + ", database '" + DATABASE
                + "') stops with it. Against your own InfluxDB, look at the data with InfluxQL, e.g.:");
        System.out.println("  influx -database twin -execute \"SHOW TAG VALUES FROM indicator WITH KEY = category\"");
        System.out.println("  influx -database twin -execute \"SELECT last(value) FROM indicator WHERE level = 'city' GROUP BY id\"");
        System.out.println("  influx -database twin -execute \"SELECT value FROM indicator WHERE id = 'air_aqi_avg' AND area = '310101' AND time > now() - 6h\"");
        System.out.println("  influx -database twin -execute '"
                + String.format(EngineSample.ACCOUNT_QUERY, "live").replace("'", "'\\''") + "'   # the run's account");
        System.out.println("Run the engine on your own Kafka and InfluxDB with: ./twin run --config twin.yaml (docs/configuration.md)");
    }
}
