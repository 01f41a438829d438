package org.citytwin.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.cli.RunCommand;
import org.citytwin.jobs.cli.ToolCommand;
import org.citytwin.jobs.config.ConfigException;
import org.citytwin.jobs.config.TwinConfig;
import org.citytwin.jobs.engine.metrics.EngineSample;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code twin soak}: the fault scenarios too long for CI. The job {@code twin run} builds reads a
 * simulated city fed into Kafka at a fixed multiple of real time, on a local cluster of two
 * TaskManagers, while its TaskManagers are lost over and over and InfluxDB is down for minutes; then
 * the same topic is read again by an unfaulted bounded job, and every indicator series and the
 * engine account of both must be equal. Exit code 0 when they are, 1 when not.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the engine for a long time under repeated faults and check it against an unfaulted re-run.")
public final class SoakCommand implements ToolCommand {

    private static final String FEED = "soak-feed";
    private static final String LIVE = "soak";
    private static final String CONTROL = "soak_control";

    @Option(names = "--duration", defaultValue = "PT10M", description = "Wall time of the faulted run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--speed", defaultValue = "6", description = "Simulated seconds per second (default: ${DEFAULT-VALUE}).")
    int speed;

    @Option(names = "--scale", defaultValue = "0.02", description = "City size (1.0 ≈ 55k assets; default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--taskmanager-loss-every", defaultValue = "PT2M",
            description = "Lose both TaskManagers this often (two new ones start first); PT0S for never (default: ${DEFAULT-VALUE}).")
    Duration lossEvery;

    @Option(names = "--influxdb-outage", defaultValue = "PT3M",
            description = "InfluxDB stopped this long, once, from a third of the run; PT0S for never (default: ${DEFAULT-VALUE}).")
    Duration outage;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        long simulated = duration.toMillis() * speed;
        // The simulated period ends now: records are never ahead of the wall clock (FUTURE).
        long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli() - simulated;
        CitySimulator sim = new CitySimulator(types, topology, CitySimulator.options().seed(7).scale(scale).badShare(0.01)
                .start(start).duration(simulated));
        Path work = Files.createTempDirectory("twin-soak-");
        Path registry = work.resolve("registry.jsonl.gz");
        sim.registry().write(registry);
        System.out.printf("twin soak: %s at %d× real time (%.1f simulated hours), %,d assets, parallelism %d;"
                + " both TaskManagers lost every %s, InfluxDB down %s once. Work directory %s%n", duration, speed,
                simulated / 3.6e6, sim.registry().size(), parallelism, lossEvery, outage, work);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedInfluxDb influx = EmbeddedInfluxDb.start()) {
            kafka.createTopic(FEED, 4);
            for (String database : List.of(LIVE, CONTROL)) { // what `twin run` checks and creates before it starts
                kafka.createTopic(deadLetterTopic(database), 1);
                influx.createDatabase(database);
            }
            Configuration live = options(kafka, influx, registry, work, LIVE, false);
            Configuration flink = RunCommand.engineEnvironment(live);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
            flink.set(org.apache.flink.configuration.WebOptions.MAX_EXCEPTION_HISTORY_SIZE, 10_000);
            RunCommand.localRestEndpoint(flink, live);
            try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(flink)
                    .setNumTaskManagers(2).setNumSlotsPerTaskManager(2).build())) {
                cluster.start();
                AtomicLong produced = new AtomicLong();
                Thread feed = new Thread(() -> produce(kafka, sim, start, produced), "soak-feed");
                feed.setDaemon(true);
                JobID job = submit(cluster, flink, live, false, "twin soak (faulted)");
                feed.start();
                Faults faults = runWithFaults(cluster, job, influx, produced);
                feed.join();
                awaitAccount(influx, produced.get(), faults);
                drain(cluster, job, work.resolve("savepoints"));
                double faultedSeconds = faults.seconds();

                System.out.println("twin soak: reading the same topic again without faults ...");
                long controlStart = System.nanoTime();
                Configuration control = options(kafka, influx, registry, work, CONTROL, true);
                JobID rerun = submit(cluster, RunCommand.engineEnvironment(control), control, true, "twin soak (control)");
                JobResult result = cluster.requestJobResult(rerun).get();
                if (!result.isSuccess()) {
                    System.out.println("twin soak: the control run failed: " + result.getSerializedThrowable());
                    return 1;
                }
                return verdict(influx, produced.get(), faults, faultedSeconds, (System.nanoTime() - controlStart) / 1e9);
            }
        }
    }

    /** The options of {@code twin run} for one of the two runs (each with its own database, group and dead-letter topic). */
    private Configuration options(EmbeddedKafka kafka, EmbeddedInfluxDb influx, Path registry, Path work, String database,
            boolean bounded) throws ConfigException {
        return TwinConfig.load(null, List.of(
                "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "feed.kafka.topic=" + FEED,
                "feed.kafka.group-id=" + database,
                "feed.kafka.starting-offsets=earliest",
                "feed.kafka.bounded=" + bounded,
                "registry.file=" + registry,
                "influxdb.url=" + influx.url(),
                "influxdb.database=" + database,
                "dead-letters.kafka.topic=" + deadLetterTopic(database),
                "checkpoint.interval=5 s",
                "checkpoint.dir=" + work.resolve("checkpoints-" + database).toUri(),
                "alerts.enabled=false",
                "parallelism=" + parallelism));
    }

    private static String deadLetterTopic(String database) {
        return "dead-letters-" + database;
    }

    private static JobID submit(MiniCluster cluster, Configuration flink, Configuration options, boolean bounded,
            String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        RunCommand.build(env, options, Map.of(), bounded);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        return cluster.submitJob(graph).get().getJobID();
    }

    /** Feeds the simulated city into Kafka, each record when the wall clock reaches its time at {@link #speed}. */
    private void produce(EmbeddedKafka kafka, CitySimulator sim, long start, AtomicLong produced) {
        long t0 = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (SimRecord r : sim) {
                long due = t0 + Math.max(0, r.time() - start) / speed;
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    producer.flush();
                    Thread.sleep(wait);
                }
                producer.send(new ProducerRecord<>(FEED, r.key().getBytes(StandardCharsets.UTF_8), r.json()));
                produced.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What was done to the job, and what it took to recover. */
    private static final class Faults {
        final long started = System.nanoTime();
        long ended;
        int taskManagerLosses;
        int failovers;
        long outageSeconds;
        final List<Double> recoverySeconds = new ArrayList<>();

        double seconds() {
            return (ended - started) / 1e9;
        }
    }

    /**
     * Runs for {@link #duration} with a live progress line, losing both TaskManagers every
     * {@link #lossEvery} (never while InfluxDB is down, when no checkpoint can complete) and
     * stopping InfluxDB once for {@link #outage}. Recovery time: from the loss to the job's next
     * completed checkpoint, which needs every task running again.
     */
    private Faults runWithFaults(MiniCluster cluster, JobID job, EmbeddedInfluxDb influx, AtomicLong produced)
            throws Exception {
        Faults faults = new Faults();
        long end = faults.started + duration.toNanos();
        long outageFrom = outage.isZero() ? Long.MAX_VALUE : faults.started + duration.toNanos() / 3;
        long outageUntil = outageFrom == Long.MAX_VALUE ? Long.MAX_VALUE : outageFrom + outage.toNanos();
        long nextLoss = lossEvery.isZero() ? Long.MAX_VALUE : faults.started + lossEvery.toNanos();
        int nextToLose = 0;
        boolean influxDown = false;
        long lostAt = 0;
        long checkpointsAtLoss = 0;
        long read = 0;
        long lastAccount = 0;
        while (true) {
            long now = System.nanoTime();
            JobStatus status = cluster.getJobStatus(job).get();
            if (status.isGloballyTerminalState()) {
                throw new IllegalStateException("the faulted job ended: " + status);
            }
            long checkpoints = cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getCounts()
                    .getNumberOfCompletedCheckpoints();
            if (lostAt != 0 && checkpoints > checkpointsAtLoss && status == JobStatus.RUNNING) {
                faults.recoverySeconds.add((now - lostAt) / 1e9);
                lostAt = 0;
            }
            if (!influxDown && now >= outageFrom && now < outageUntil) {
                influx.stop();
                influxDown = true;
            } else if (influxDown && now >= outageUntil) {
                influx.restart();
                influxDown = false;
                faults.outageSeconds = Math.round((now - outageFrom) / 1e9);
            }
            if (now >= nextLoss && !influxDown && lostAt == 0 && now < end) {
                // Which TaskManager runs the job's tasks is not known here: start two new ones and
                // lose both running ones, so every loss fails the job over (as a lost machine would).
                cluster.startTaskManager();
                cluster.startTaskManager();
                cluster.terminateTaskManager(nextToLose++).get();
                cluster.terminateTaskManager(nextToLose++).get();
                faults.taskManagerLosses += 2;
                lostAt = now;
                checkpointsAtLoss = checkpoints;
                nextLoss = now + lossEvery.toNanos();
            }
            if (now - lastAccount > TimeUnit.SECONDS.toNanos(5)) {
                read = influxDown ? read : account(influx, LIVE).getOrDefault("records_read", read);
                faults.failovers = failovers(cluster, job);
                lastAccount = now;
            }
            double elapsed = (now - faults.started) / 1e9;
            System.err.printf("\rsoak %s / %s | produced %,d, read %,d (%,.0f/s) | TaskManagers lost %d, failovers %d"
                    + " | InfluxDB %s | checkpoints %d | ETA %s   ", clock(elapsed), clock(duration.toSeconds()),
                    produced.get(), read, read / Math.max(1, elapsed), faults.taskManagerLosses, faults.failovers,
                    influxDown ? "DOWN" : "up", checkpoints, clock(Math.max(0, duration.toSeconds() - elapsed)));
            if (now >= end && !influxDown) {
                System.err.println();
                faults.ended = now;
                return faults;
            }
            Thread.sleep(200);
        }
    }

    /**
     * Stops the job with a final savepoint after the end of event time, as a user ends a live run
     * ({@code flink stop --drain}); a restart in between (a late failover) makes it try again.
     */
    private static void drain(MiniCluster cluster, JobID job, Path savepoints) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                cluster.stopWithSavepoint(job, savepoints.toUri().toString(), true, SavepointFormatType.CANONICAL).get();
                cluster.requestJobResult(job).get();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                var failure = cluster.getExecutionGraph(job).get().getFailureInfo();
                System.err.println("twin soak: stop --drain failed (" + e.getCause().getMessage() + "); the job's last failure: "
                        + (failure == null ? "none" : failure.getException().getOriginalErrorClassName() + ": "
                        + failure.getExceptionAsString().lines().findFirst().orElse("")));
                if (attempt == 3) {
                    throw e;
                }
                while (cluster.getJobStatus(job).get() != JobStatus.RUNNING) {
                    Thread.sleep(1000);
                }
            }
        }
    }

    /**
     * The failures the job recovered from, from its exception history (a failover restarts the
     * failed region and leaves the job RUNNING, so its status does not show them).
     */
    private static int failovers(MiniCluster cluster, JobID job) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(cluster.getRestAddress().get().resolve("/jobs/" + job + "/exceptions"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body())
                .path("exceptionHistory").path("entries").size();
    }

    /** Waits until the engine account has read everything produced (samples are written every 10 s). */
    private static void awaitAccount(EmbeddedInfluxDb influx, long produced, Faults faults) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long read;
        while ((read = account(influx, LIVE).getOrDefault("records_read", 0L)) < produced) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the faulted job read " + read + " of " + produced + " records in 5 min");
            }
            System.err.printf("\rsoak: catching up, read %,d of %,d   ", read, produced);
            Thread.sleep(1000);
        }
        System.err.println();
    }

    /** The engine account of a database's run: records_read, records_applied, dead_letters REASON. */
    private static Map<String, Long> account(EmbeddedInfluxDb influx, String database) throws Exception {
        Map<String, Long> account = new TreeMap<>();
        for (Map<String, Object> row : influx.query(database, String.format(EngineSample.ACCOUNT_QUERY, "live"))) {
            String metric = (String) row.get("metric");
            if (!metric.equals("points_written")) {
                account.put(metric.equals("dead_letters") ? metric + " " + row.get("reason") : metric,
                        Math.round((Double) row.get("sum")));
            }
        }
        return account;
    }

    /** Count, sum, minimum and maximum of every indicator series (id, area), one query per category. */
    private static Map<String, List<Double>> series(EmbeddedInfluxDb influx, String database) throws Exception {
        Map<String, List<Double>> series = new TreeMap<>();
        for (Category category : CatalogLoader.load("shanghai").categories()) {
            for (Map<String, Object> row : influx.query(database, "SELECT count(value), sum(value), min(value),"
                    + " max(value) FROM indicator WHERE category = '" + category.id() + "' GROUP BY id, area")) {
                series.put(row.get("id") + "@" + row.get("area"),
                        List.of((Double) row.get("count"), (Double) row.get("sum"), (Double) row.get("min"), (Double) row.get("max")));
            }
        }
        return series;
    }

    private int verdict(EmbeddedInfluxDb influx, long produced, Faults faults, double faultedSeconds,
            double controlSeconds) throws Exception {
        Map<String, Long> faulted = account(influx, LIVE);
        Map<String, Long> unfaulted = account(influx, CONTROL);
        long deadLetters = faulted.entrySet().stream().filter(e -> e.getKey().startsWith("dead_letters"))
                .mapToLong(Map.Entry::getValue).sum();
        Map<String, List<Double>> liveSeries = series(influx, LIVE);
        Map<String, List<Double>> controlSeries = series(influx, CONTROL);
        long points = liveSeries.values().stream().mapToLong(v -> Math.round(v.get(0))).sum();
        List<String> differences = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(controlSeries.keySet())) {
            if (!controlSeries.get(key).equals(liveSeries.get(key))) {
                differences.add(key + ": " + liveSeries.get(key) + " vs " + controlSeries.get(key) + " unfaulted");
            }
        }
        liveSeries.keySet().stream().filter(k -> !controlSeries.containsKey(k)).forEach(k -> differences.add(k + ": extra"));
        boolean accountHolds = faulted.getOrDefault("records_read", -1L) == produced
                && faulted.getOrDefault("records_applied", 0L) + deadLetters == produced && faulted.equals(unfaulted);

        System.out.printf("faulted run: %.0f s; %,d records produced; account %s%n", faultedSeconds, produced, faulted);
        System.out.printf("faults: %d TaskManagers lost, two at a time (recovered, to the next completed checkpoint, in %s s), "
                + "%d failovers (job exception history), InfluxDB down %d s once%n", faults.taskManagerLosses, faults.recoverySeconds.stream()
                .map(s -> String.format("%.1f", s)).toList(), faults.failovers, faults.outageSeconds);
        System.out.printf("control (unfaulted bounded re-read): %.0f s; account %s%n", controlSeconds, unfaulted);
        System.out.printf("indicator points: %,d in %,d series; series differing from the control (count, sum, min, max): %d%n",
                points, liveSeries.size(), differences.size());
        differences.stream().limit(20).forEach(d -> System.out.println("  " + d));
        boolean pass = accountHolds && differences.isEmpty() && !controlSeries.isEmpty();
        System.out.println(pass ? "twin soak: PASS" : "twin soak: FAIL" + (accountHolds ? "" : " (the account does not hold)"));
        return pass ? 0 : 1;
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }
}
