package org.citytwin.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.SoftAssertions;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.embedded.TempDirs;
import org.citytwin.jobs.engine.ReferenceIndicators.Expected;
import org.citytwin.jobs.engine.ReferenceIndicators.PointKey;
import org.citytwin.jobs.engine.metrics.EngineSample;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.jobs.engine.source.FeedSource;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSampleWriter;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.jobs.testing.CoverageFeed;
import org.citytwin.jobs.testing.PartitionedFeed;
import org.citytwin.jobs.testing.PointDifferences;
import org.citytwin.jobs.testing.RegistryMoves;
import org.citytwin.jobs.testing.StandaloneFlinkCluster;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's acceptance test: a seeded simulated city hour (with a rainstorm and 2 % bad records)
 * on a topic of {@value #PARTITIONS} partitions, with about {@value #HELD_BACK_SHARE} of its good
 * records arriving behind their partition's watermark within the allowed lateness, and about
 * {@value #MOVED_SHARE} of the assets moving street or changing attributes mid-hour (registry entries
 * with {@code valid_from}), runs through
 * {@link IndicatorJob} on Kafka → Flink → InfluxDB at parallelism 1, 2 and 4, and every point written
 * is compared with {@link ReferenceIndicators}, computed independently from the same records.
 */
class IndicatorEngineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    /** 08:00 in Shanghai: the morning rush, with the storm over the whole hour. */
    private static final long START = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();
    private static final long HOUR = 3_600_000;
    private static final long SEED = 10;
    /** About 5,500 assets and 85,000 records: the job runs in well under a minute here. */
    private static final double SCALE = 0.1;
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final Duration IDLENESS = Duration.ofMinutes(1);
    private static final Duration ALLOWED_LATENESS = Duration.ofMinutes(5);
    private static final String TOPIC = "city-feed";
    private static final int PARTITIONS = 4;
    /** Good records held back in their partition until they are behind its watermark (not LATE). */
    private static final double HELD_BACK_SHARE = 0.07;
    /** Assets with a registry entry that applies from within the hour. */
    private static final double MOVED_SHARE = 0.03;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static AssetTypes types;
    private static EvaluationPlan plan;
    private static Catalog catalog;
    private static CityTopology topology;
    private static CitySimulator simulator;
    /** The simulator's registry with the mid-hour entries: what the job and the reference read. */
    private static AssetRegistry registry;
    private static RegistryMoves.Added moves;
    private static List<SimRecord> feed;
    private static List<SimRecord> topUp;
    private static PartitionedFeed.Partitions partitions;
    private static Expected expected;
    private static final Map<String, Run> RUNS = new HashMap<>();

    /** One run of the job: where it wrote, what InfluxDB holds afterwards and how long it took. */
    private record Run(int parallelism, String database, String deadLetterTopic, Map<PointKey, Double> points,
            List<String> tagErrors, long jobMillis) {}

    @BeforeAll
    static void startServicesAndProduceTheFeed() throws Exception {
        long t0 = System.nanoTime();
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        types = AssetTypes.load("shanghai");
        topology = CityTopology.load("shanghai");
        catalog = CatalogLoader.load("shanghai");
        plan = EvaluationPlan.compile(catalog, types, topology);
        simulator = new CitySimulator(types, topology, CitySimulator.options().seed(SEED).scale(SCALE).badShare(0.02)
                .start(START).duration(HOUR).stormAt(START, HOUR));
        moves = RegistryMoves.within(simulator.registry(), topology, START, HOUR, MOVED_SHARE, SEED);
        registry = moves.registry();
        feed = new ArrayList<>();
        simulator.forEach(feed::add);
        // Rare events (a taxi trip over 30 km: ~0.1 per simulated hour at this scale) would leave some
        // indicators without input: a few records at the end of the hour feed exactly those.
        Expected simulatedOnly = reference(List.of(feed));
        Set<String> covered = new TreeSet<>();
        simulatedOnly.points().keySet().forEach(k -> covered.add(k.id()));
        topUp = CoverageFeed.topUp(simulator, types, plan, catalogIndicators(), covered, SEED);
        feed.addAll(topUp);
        partitions = PartitionedFeed.arrange(feed, PARTITIONS, HELD_BACK_SHARE, MAX_OUT_OF_ORDERNESS,
                ALLOWED_LATENESS, SEED);
        expected = reference(partitions.records());

        kafka.createTopic(TOPIC, PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(feed.size());
        for (int p = 0; p < PARTITIONS; p++) {
            for (SimRecord r : partitions.records().get(p)) {
                records.add(new ProducerRecord<>(TOPIC, p, r.key().getBytes(StandardCharsets.UTF_8), r.json()));
            }
        }
        kafka.produce(records);
        System.out.printf("feed: %d assets, %d records (%d of them coverage top-up) on %d partitions, %d of %d good"
                + " records (%.1f %%) behind their partition's watermark; registry entries mid-hour: %d moves (%d"
                + " moving back later), %d attribute changes; %d expected points; set-up %.1f s%n",
                registry.size(), feed.size(), topUp.size(), PARTITIONS, partitions.goodBehindWatermark(),
                partitions.goodRecords(), 100 * partitions.behindShare(), moves.moves(), moves.movesBack(),
                moves.attributeChanges(), expected.points().size(), (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (influx != null) {
            influx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyIndicatorPointMatchesTheIndependentReference() throws Exception {
        Run run = run(2);
        System.out.printf("parallelism 2: job %.1f s, %d points read back%n", run.jobMillis / 1e3, run.points.size());
        printCoverage(run.points);

        String differences = differences(expected.points(), run.points, run.tagErrors);
        assertThat(differences).as("engine points vs the independent reference").isEmpty();
        Set<String> withPoints = new TreeSet<>();
        run.points.keySet().forEach(k -> withPoints.add(k.id()));
        List<String> without = new ArrayList<>();
        for (Indicator i : catalogIndicators()) {
            if (!withPoints.contains(i.id())) {
                without.add(i.id());
            }
        }
        assertThat(without).as("indicators without any point").isEmpty();
    }

    @Test
    void windowsWrittenAsZeroLetRatiosOfCountsReadAHundredPercent() throws Exception {
        Run run = run(2);
        // Windows written as 0 where the source assets are registered let the ratios of counts read 100 %.
        long zeroCounts = run.points.entrySet().stream().filter(e -> e.getValue() == 0.0
                && plan.slot(plan.slotOf(e.getKey().id())).aggregation() == Aggregation.COUNT
                && plan.slot(plan.slotOf(e.getKey().id())).source() != SourceKind.GAUGE).count();
        assertThat(zeroCounts).as("count windows written as 0").isGreaterThan(1000);
        // (In this feed every lab result or inspection of some streets passed: their failed counts are 0.)
        for (String ratio : List.of("wq_lab_pass_rate", "food_inspection_pass_rate")) {
            assertThat(run.points).as(ratio + " at 100 %").anySatisfy((k, v) -> {
                assertThat(k.id()).isEqualTo(ratio);
                assertThat(v).isEqualTo(100.0);
            });
        }
    }

    @Test
    void losingTaskManagersAfterACheckpointChangesNoPoint(@InjectMiniCluster MiniCluster cluster) throws Exception {
        assertPointsAndAccountMatchTheReference(run(2, Fault.TASK_MANAGERS_LOST, cluster), "TaskManagers lost");
    }

    @Test
    void anInfluxDbOutageMidRunLosesNoPointAndNeverFailsTheJob(@InjectMiniCluster MiniCluster cluster) throws Exception {
        assertPointsAndAccountMatchTheReference(run(2, Fault.INFLUXDB_OUTAGE, cluster),
                "InfluxDB down " + OUTAGE.toSeconds() + " s");
    }

    @Test
    void theJarOnAStandaloneClusterLosingItsTaskManagerProcessesChangesNoPoint() throws Exception {
        assertPointsAndAccountMatchTheReference(run(2, Fault.STANDALONE_TASK_MANAGERS_KILLED, null),
                "standalone cluster, TaskManager processes killed");
    }

    @Test
    void aKafkaBrokerRestartMidRunLosesNoPoint() throws Exception {
        assertPointsAndAccountMatchTheReference(run(2, Fault.KAFKA_BROKER_RESTART, null), "Kafka broker down 10 s");
    }

    private static void assertPointsAndAccountMatchTheReference(Run run, String fault) throws Exception {
        System.out.printf("parallelism %d on RocksDB, %s: job %.1f s%n", run.parallelism, fault, run.jobMillis / 1e3);
        String differences = differences(expected.points(), run.points, run.tagErrors);
        assertThat(differences).as("points (" + fault + ") vs the independent reference").isEmpty();
        assertThat(engineAccount(run.database)).as("the engine measurement's account (" + fault + ")")
                .isEqualTo(expectedAccount());
    }

    /** read, applied and dead letters per reason as the reference counts them. */
    private static Map<String, Long> expectedAccount() {
        Map<String, Long> account = new TreeMap<>();
        account.put("records_read", (long) feed.size());
        account.put("records_applied", expected.accepted());
        expected.deadLetters().forEach((reason, n) -> account.put("dead_letters " + reason.name(), n));
        return account;
    }

    /** The same from the {@code engine} measurement: the last total of every operator subtask, summed. */
    private static Map<String, Long> engineAccount(String database) throws Exception {
        Map<String, Long> account = new TreeMap<>();
        for (Map<String, Object> row : influx.query(database, String.format(EngineSample.ACCOUNT_QUERY, "live"))) {
            String metric = (String) row.get("metric");
            if (!metric.equals("points_written")) {
                String key = metric.equals("dead_letters") ? metric + " " + row.get("reason") : metric;
                account.put(key, Math.round((Double) row.get("sum")));
            }
        }
        return account;
    }

    @Test
    void atParallelismOneAndFourOnRocksDbEveryPointMatchesTheReferenceAndTheyAreIdentical() throws Exception {
        Run one = run(1);
        Run four = run(4);
        System.out.printf("parallelism 1: job %.1f s; parallelism 4: job %.1f s%n", one.jobMillis / 1e3,
                four.jobMillis / 1e3);
        SoftAssertions.assertSoftly(soft -> {
            for (Run r : List.of(one, four)) {
                soft.assertThat(differences(expected.points(), r.points, r.tagErrors))
                        .as("parallelism " + r.parallelism + " vs the independent reference").isEmpty();
            }
            soft.assertThat(PointDifferences.between(one.points, four.points, List.of(), PointDifferences.EXACT))
                    .as("parallelism 1 (expected) vs parallelism 4 (actual), exact doubles").isEmpty();
        });
    }

    @Test
    void theFeedHasFourPartitionsAndAtLeastFivePercentOfItsAcceptedRecordsArriveBehindTheWatermark() {
        // From the records themselves (their partition, time and the simulator's labels), and from the reference.
        PartitionedFeed.Partitions counted = PartitionedFeed.count(partitions.records(), MAX_OUT_OF_ORDERNESS,
                ALLOWED_LATENESS);
        assertThat(counted.records()).as("partitions").hasSize(PARTITIONS).allSatisfy(p -> assertThat(p).isNotEmpty());
        assertThat(counted.goodRecords()).as("good records (the simulator's labels) = accepted (reference)")
                .isEqualTo(expected.accepted());
        assertThat(counted.goodBehindWatermark()).as("accepted records behind the watermark: feed vs reference")
                .isEqualTo(expected.appliedBehindWatermark());
        assertThat(counted.behindShare()).as("share of accepted records behind the watermark, not LATE")
                .isGreaterThanOrEqualTo(0.05);
    }

    @Test
    void theRegistryEntriesMidHourChangePointsTheReferenceExpects() {
        assertThat(RegistryMoves.assetsWithEntriesWithin(registry)).as("assets with entries mid-hour")
                .isEqualTo(moves.moves() + moves.attributeChanges()).isGreaterThanOrEqualTo(100);
        assertThat(moves.movesBack()).as("assets moving back later").isPositive();
        // Without the entries the reference expects other points: a run that ignored them would fail.
        Expected withoutMoves = ReferenceIndicators.compute(catalog, types, topology, simulator.registry(),
                MAX_OUT_OF_ORDERNESS, ALLOWED_LATENESS, PartitionedFeed.payloads(partitions.records()));
        long changed = expected.points().entrySet().stream()
                .filter(e -> !e.getValue().equals(withoutMoves.points().get(e.getKey()))).count();
        System.out.printf("points the mid-hour registry entries change: %d of %d%n", changed, expected.points().size());
        assertThat(changed).as("points that differ with and without the mid-hour entries").isGreaterThan(1000);
    }

    @Test
    void everyRecordIsAccountedFor() throws Exception {
        Run run = run(2);
        long rejected = feed.size() - expected.accepted();
        List<ConsumerRecord<byte[], byte[]>> letters = kafka.consume(run.deadLetterTopic, (int) rejected,
                Duration.ofSeconds(20)); // the job has ended: every dead letter is already in the topic
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        Set<String> positions = new TreeSet<>();
        List<String> repeated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            JsonNode node = JSON.readTree(letter.value());
            byReason.merge(RejectReason.valueOf(node.get("reason").asText()), 1L, Long::sum);
            String position = node.get("partition").asInt() + "@" + node.get("offset").asLong();
            if (!positions.add(position)) {
                repeated.add(position);
            }
        }
        Map<RejectReason, Long> bySimulator = new EnumMap<>(RejectReason.class);
        for (SimRecord r : feed) {
            if (r.recordClass().expectedReason() != null) {
                bySimulator.merge(r.recordClass().expectedReason(), 1L, Long::sum);
            }
        }
        System.out.printf("produced %d, accepted (reference) %d, dead letters %d: %s%n", feed.size(),
                expected.accepted(), letters.size(), byReason);

        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(byReason).as("dead letters per reason (read back) vs the reference")
                    .isEqualTo(expected.deadLetters());
            soft.assertThat(byReason).as("dead letters per reason (read back) vs the simulator's record classes")
                    .isEqualTo(bySimulator);
            soft.assertThat(repeated).as("positions (partition@offset) dead-lettered more than once").isEmpty();
            soft.assertThat(expected.accepted() + letters.size()).as("accepted (reference) + dead-lettered")
                    .isEqualTo(feed.size());
            try {
                soft.assertThat(engineAccount(run.database)).as("the engine measurement's account")
                        .isEqualTo(expectedAccount());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    // ---------------------------------------------------------------- running the job

    /** What goes wrong during a run. */
    private enum Fault { NONE, TASK_MANAGERS_LOST, INFLUXDB_OUTAGE, KAFKA_BROKER_RESTART, STANDALONE_TASK_MANAGERS_KILLED }

    /** How long InfluxDB is down in the outage run. */
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    private static Run run(int parallelism) throws Exception {
        return run(parallelism, Fault.NONE, null);
    }

    /**
     * Runs the job once per parallelism and fault (losing its TaskManagers after the first
     * completed checkpoint, or InfluxDB stopped for {@link #OUTAGE} once points flow) and reads back
     * what InfluxDB holds.
     */
    private static synchronized Run run(int parallelism, Fault fault, MiniCluster cluster) throws Exception {
        String runKey = parallelism + " " + fault;
        Run done = RUNS.get(runKey);
        if (done != null) {
            return done;
        }
        String suffix = (fault == Fault.NONE ? "" : "_" + fault.name().toLowerCase(java.util.Locale.ROOT)) + "_p" + parallelism;
        String database = "twin" + suffix;
        String deadLetterTopic = "dead-letters" + suffix.replace('_', '-');
        influx.createDatabase(database);
        kafka.createTopic(deadLetterTopic, 1);
        long t0 = System.nanoTime();
        if (fault == Fault.STANDALONE_TASK_MANAGERS_KILLED) {
            runOnAStandaloneClusterKillingTaskManagers(database, deadLetterTopic);
        } else {
            runOnTheMiniCluster(parallelism, fault, cluster, database, deadLetterTopic);
        }
        long jobMillis = (System.nanoTime() - t0) / 1_000_000;
        Run run = readBack(parallelism, database, deadLetterTopic, jobMillis);
        RUNS.put(runKey, run);
        return run;
    }

    private static void runOnTheMiniCluster(int parallelism, Fault fault, MiniCluster cluster, String database,
            String deadLetterTopic) throws Exception {
        RegistryRef registryRef = RegistryRef.of(registry);
        FeedSource<?, ?> source = FeedSources.kafka(kafka.bootstrapServers(), TOPIC, "group-" + UUID.randomUUID(),
                "earliest", types, registryRef, org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, true);
        InfluxDbSink<IndicatorPoint> points = InfluxDbSink.builder(
                InfluxDbEndpoint.v1(influx.url(), database, null, null, null), IndicatorPoint::toInfluxPoint)
                .maxBackoff(Duration.ofSeconds(2)).build();
        // Parallelism 4 keeps its state in RocksDB (as `twin run` does), the others on the heap: the
        // comparison of 1 and 4 then also proves the two state backends give the same points.
        org.apache.flink.configuration.Configuration config = new org.apache.flink.configuration.Configuration();
        config.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND,
                parallelism == 4 || fault != Fault.NONE ? "rocksdb" : "hashmap");
        if (fault != Fault.NONE) {
            config.set(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
            config.set(org.apache.flink.configuration.CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofSeconds(1));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism); // before the pipeline is built: operators take it when created
        new IndicatorJob(plan, registryRef, new IndicatorJob.Timing(MAX_OUT_OF_ORDERNESS, IDLENESS,
                ALLOWED_LATENESS), "live", source, points, DeadLetterSinks.kafka(kafka.bootstrapServers(), deadLetterTopic))
                .withEngineSamples(new InfluxDbSampleWriter(InfluxDbEndpoint.v1(influx.url(), database, null, null, null)))
                .build(env);
        switch (fault) {
            case NONE -> env.execute("indicator engine at parallelism " + parallelism);
            case TASK_MANAGERS_LOST -> loseTaskManagersAfterTheFirstCheckpoint(
                    env.executeAsync("indicator engine losing its TaskManagers"), cluster);
            case INFLUXDB_OUTAGE -> stopInfluxDbOncePointsFlow(env.executeAsync("indicator engine, InfluxDB down"),
                    cluster, database);
            case KAFKA_BROKER_RESTART -> restartKafkaOncePointsFlow(
                    env.executeAsync("indicator engine, Kafka broker restarted"), database);
            default -> throw new IllegalArgumentException(fault.name());
        }
    }

    /**
     * The shaded jar submitted over REST to a cluster of separate JVMs, as a user runs it ({@code
     * twin run} with a bounded feed, parallelism 2); after the first completed checkpoint a third
     * TaskManager starts and both original TaskManager processes are killed.
     */
    private static void runOnAStandaloneClusterKillingTaskManagers(String database, String deadLetterTopic)
            throws Exception {
        Path registryFile = Files.createTempFile("twin-registry-", ".jsonl");
        Path checkpoints = Files.createTempDirectory("twin-standalone-checkpoints-");
        registry.write(registryFile); // with the mid-hour entries as lines with valid_from
        try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.start(Path.of("target/twin.jar").toAbsolutePath(),
                Path.of("../jvm.options").toAbsolutePath(), 2, 2)) {
            String job = flink.submit(List.of("run",
                    "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                    "--set", "feed.kafka.topic=" + TOPIC,
                    "--set", "feed.kafka.group-id=standalone-" + UUID.randomUUID(),
                    "--set", "feed.kafka.starting-offsets=earliest",
                    "--set", "feed.kafka.bounded=true",
                    "--set", "registry.file=" + registryFile,
                    "--set", "influxdb.url=" + influx.url(),
                    "--set", "influxdb.database=" + database,
                    "--set", "dead-letters.kafka.topic=" + deadLetterTopic,
                    "--set", "checkpoint.interval=1 s",
                    "--set", "checkpoint.dir=" + checkpoints.toUri(),
                    "--set", "parallelism=2"));
            flink.awaitTrue(() -> flink.completedCheckpoints(job) > 0, "a completed checkpoint");
            flink.startTaskManager();
            flink.awaitTaskManagers(3);
            flink.killTaskManager(0);
            flink.killTaskManager(1);
            flink.awaitTrue(() -> {
                String state = flink.jobState(job);
                if (state.equals("FAILED")) {
                    throw new AssertionError("the job failed: " + flink.get("/jobs/" + job + "/exceptions")
                            .path("exceptionHistory").path("entries").path(0).path("stacktrace").asText());
                }
                return state.equals("FINISHED");
            }, "the job finished", Duration.ofMinutes(5));
            assertThat(flink.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size())
                    .as("failures the job recovered from").isPositive();
        } finally {
            TempDirs.deleteRecursively(checkpoints);
            Files.deleteIfExists(registryFile);
        }
    }

    /** What InfluxDB holds after a run, with every tag that does not fit the catalog or topology. */
    private static Run readBack(int parallelism, String database, String deadLetterTopic, long jobMillis)
            throws Exception {
        StoredPoints stored = StoredPoints.read(influx, database, plan);
        return new Run(parallelism, database, deadLetterTopic, stored.points(), stored.tagErrors(), jobMillis);
    }

    /** The Kafka broker (feed and dead letters) is restarted once the first points landed. */
    private static void restartKafkaOncePointsFlow(JobClient job, String database) throws Exception {
        awaitFirstPoints(database);
        kafka.restartBroker(Duration.ofSeconds(10));
        job.getJobExecutionResult().get();
    }

    private static void awaitFirstPoints(String database) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (influx.query(database, "SELECT count(value) FROM indicator").isEmpty()) {
            assertThat(System.nanoTime()).as("points land within 60 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** InfluxDB goes down once the first points landed and comes back after the outage; the job must not fail. */
    private static void stopInfluxDbOncePointsFlow(JobClient job, MiniCluster cluster, String database) throws Exception {
        awaitFirstPoints(database);
        influx.stop();
        Thread.sleep(OUTAGE.toMillis());
        assertThat(job.getJobStatus().get()).as("the job waits for InfluxDB").isEqualTo(JobStatus.RUNNING);
        influx.restart();
        job.getJobExecutionResult().get();
        assertThat(cluster.getExecutionGraph(job.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING))
                .as("the job never restarted").isZero();
    }

    private static void loseTaskManagersAfterTheFirstCheckpoint(JobClient job, MiniCluster cluster) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.getExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot().getCounts()
                .getNumberOfCompletedCheckpoints() == 0) {
            assertThat(System.nanoTime()).as("a checkpoint completes within 60 s").isLessThan(deadline);
            assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("the job is still running").isFalse();
            Thread.sleep(50);
        }
        // The job's subtasks may sit on either TaskManager: start two replacements (as a cluster
        // manager would; later tests need them too), then lose both original ones.
        cluster.startTaskManager();
        cluster.startTaskManager();
        cluster.terminateTaskManager(0).get();
        cluster.terminateTaskManager(1).get();
        JobExecutionResult result = job.getJobExecutionResult().get();
        // The accumulators (the summary of a bounded `twin run`) go on from the restored totals: the
        // restarted attempts' sum is the whole run's account, not what was read since the checkpoint.
        assertThat(Map.of("read", result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_READ),
                "applied", result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_APPLIED),
                "dead-lettered", result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_DEAD_LETTERED)))
                .as("the job's accumulators after the restart").isEqualTo(Map.of("read", (long) feed.size(),
                        "applied", expected.accepted(), "dead-lettered", feed.size() - expected.accepted()));
        assertThat(cluster.getExecutionGraph(job.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING))
                .as("the job restarted from its checkpoint").isPositive();
    }

    private static Expected reference(List<List<SimRecord>> partitionRecords) {
        return ReferenceIndicators.compute(catalog, types, topology, registry, MAX_OUT_OF_ORDERNESS,
                ALLOWED_LATENESS, PartitionedFeed.payloads(partitionRecords));
    }

    // ---------------------------------------------------------------- comparing

    private static String differences(Map<PointKey, Double> expectedPoints, Map<PointKey, Double> actual,
            List<String> tagErrors) {
        return PointDifferences.between(expectedPoints, actual, tagErrors, PointDifferences.withinAccuracy(plan));
    }

    private static List<Indicator> catalogIndicators() {
        return catalog.indicators();
    }

    private static void printCoverage(Map<PointKey, Double> points) {
        Map<String, Set<String>> covered = new TreeMap<>();
        Map<String, Integer> total = new TreeMap<>();
        for (Indicator i : catalogIndicators()) {
            total.merge(i.category(), 1, Integer::sum);
            covered.computeIfAbsent(i.category(), k -> new TreeSet<>());
        }
        for (PointKey k : points.keySet()) {
            CompiledIndicator indicator = plan.indicator(k.id());
            if (indicator != null) {
                covered.get(indicator.category()).add(k.id());
            }
        }
        StringBuilder sb = new StringBuilder("coverage per category:");
        int all = 0;
        for (Map.Entry<String, Integer> e : total.entrySet()) {
            int n = covered.get(e.getKey()).size();
            all += n;
            sb.append(String.format("%n  %-18s %3d/%3d %5.1f %%", e.getKey(), n, e.getValue(), 100.0 * n / e.getValue()));
        }
        sb.append(String.format("%n  %-18s %3d/%3d %5.1f %%", "all", all, plan.size(), 100.0 * all / plan.size()));
        System.out.println(sb);
    }
}
