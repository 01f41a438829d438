package org.citytwin.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.ReferenceIndicators.Expected;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.testing.RegistryMoves;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.RecordClass;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live engine stopped with a savepoint and restored at another parallelism (2→4, 4→2, RocksDB)
 * ends with exactly the points and dead letters of the independent {@link ReferenceIndicators}:
 * a simulated city (2 % bad records) over four Kafka partitions, stopped halfway, and the first
 * record of every partition after the restore stamped just at the lateness behind its partition's
 * watermark, so it is LATE only if the partition's watermark followed it to its new subtask; 5 % of
 * the assets move street or change attributes from times before and after the savepoint (registry
 * entries with {@code valid_from}), so the twins follow their entries through the restore too.
 */
class RescaleITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final int PARTITIONS = 4;
    private static final long START = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();
    private static final long DURATION = 12 * 60_000;
    private static final long SAVEPOINT_AT = START + DURATION / 2;
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final Duration IDLENESS = Duration.ofMinutes(1);
    private static final Duration ALLOWED_LATENESS = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static AssetTypes types;
    private static EvaluationPlan plan;
    private static CitySimulator simulator;
    /** The simulator's registry with entries from within the feed. */
    private static RegistryMoves.Added moves;
    /** Before the savepoint; after it: the probes first, then the rest of the feed. */
    private static final List<SimRecord> BEFORE = new ArrayList<>();
    private static final List<SimRecord> AFTER = new ArrayList<>();
    private static Expected expected;

    @BeforeAll
    static void startServicesAndComputeTheReference() throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        Catalog catalog = CatalogLoader.load("shanghai");
        plan = EvaluationPlan.compile(catalog, types, topology);
        simulator = new CitySimulator(types, topology, CitySimulator.options().seed(11).scale(0.03).badShare(0.02)
                .start(START).duration(DURATION).stormAt(START, DURATION));
        moves = RegistryMoves.within(simulator.registry(), topology, START, DURATION, 0.05, 11);
        List<SimRecord> rest = new ArrayList<>();
        for (SimRecord r : simulator) {
            (r.time() < SAVEPOINT_AT && rest.isEmpty() ? BEFORE : rest).add(r);
        }
        AFTER.addAll(lateProbes());
        AFTER.addAll(rest);
        List<List<byte[]>> inPartitionOrder = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            inPartitionOrder.add(new ArrayList<>());
        }
        BEFORE.forEach(r -> inPartitionOrder.get(partition(r)).add(r.json()));
        AFTER.forEach(r -> inPartitionOrder.get(partition(r)).add(r.json()));
        expected = ReferenceIndicators.compute(catalog, types, topology, moves.registry(), MAX_OUT_OF_ORDERNESS,
                ALLOWED_LATENESS, inPartitionOrder);
        System.out.printf("rescale feed: %d assets (%d moving, %d changing attributes mid-feed), %d records before the"
                + " savepoint, %d after (%d probes), %d points, dead letters %s%n", simulator.registry().size(),
                moves.moves(), moves.attributeChanges(), BEFORE.size(), AFTER.size(), PARTITIONS,
                expected.points().size(), expected.deadLetters());
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
    void aSavepointRestoreAtTwiceTheParallelismEndsWithTheReferencePointsAndDeadLetters(@TempDir Path dir)
            throws Exception {
        restoreAtAnotherParallelism(2, 4, dir);
    }

    @Test
    void aSavepointRestoreAtHalfTheParallelismEndsWithTheReferencePointsAndDeadLetters(@TempDir Path dir)
            throws Exception {
        restoreAtAnotherParallelism(4, 2, dir);
    }

    /**
     * Per partition, its last good reading before the savepoint again, stamped exactly the allowed
     * lateness behind the watermark the partition reached ({@code FeedWatermarks}: 30 s of
     * out-of-orderness, whole seconds), under a new id: LATE by a millisecond.
     */
    private static List<SimRecord> lateProbes() {
        List<SimRecord> probes = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            long maxTime = Long.MIN_VALUE;
            SimRecord last = null;
            for (SimRecord r : BEFORE) {
                if (partition(r) == p && r.recordClass() == RecordClass.GOOD) {
                    maxTime = Math.max(maxTime, r.time());
                    last = r.text().contains("\"readings\"") ? r : last;
                }
            }
            long watermark = Math.floorDiv(maxTime - MAX_OUT_OF_ORDERNESS.toMillis() - 1, 1000) * 1000;
            long time = watermark - ALLOWED_LATENESS.toMillis();
            String json = last.text().replaceFirst("\"id\":\"[^\"]*\"", "\"id\":\"probe-" + p + "\"")
                    .replace("\"ts\":" + last.time(), "\"ts\":" + time);
            probes.add(new SimRecord(RecordClass.LATE, last.key(), time, json.getBytes(StandardCharsets.UTF_8)));
        }
        return probes;
    }

    private void restoreAtAnotherParallelism(int before, int after, Path dir) throws Exception {
        String name = "p" + before + "-p" + after;
        String feed = "feed-" + name;
        String deadLetters = "dead-letters-" + name;
        String database = "twin_" + before + "_" + after;
        kafka.createTopic(feed, PARTITIONS);
        kafka.createTopic(deadLetters, 1);
        influx.createDatabase(database);
        long t0 = System.nanoTime();

        kafka.produce(records(feed, BEFORE));
        JobClient first = start(before, null, feed, deadLetters, database);
        awaitRead(first, BEFORE.size());
        String savepoint = first.stopWithSavepoint(false, dir.resolve("first").toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        kafka.produce(records(feed, AFTER));
        JobClient second = start(after, savepoint, feed, deadLetters, database);
        awaitRead(second, BEFORE.size() + AFTER.size()); // the restored job's account goes on from the savepoint's
        second.stopWithSavepoint(true, dir.resolve("drained").toUri().toString(), SavepointFormatType.CANONICAL).get();
        System.out.printf("parallelism %d -> %d on RocksDB: %.1f s%n", before, after, (System.nanoTime() - t0) / 1e9);

        Map<String, String> probeReasons = new TreeMap<>();
        Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
        for (JsonNode letter : deadLetters(deadLetters)) {
            RejectReason reason = RejectReason.valueOf(letter.get("reason").asText());
            byReason.merge(reason, 1L, Long::sum);
            String payload = letter.path("payload").asText();
            if (payload.contains("\"id\":\"probe-")) {
                probeReasons.put(JSON.readTree(payload).get("id").asText(), reason.name());
            }
        }
        assertThat(probeReasons).as("the probes' dead letters after the restore at parallelism " + after)
                .isEqualTo(Map.of("probe-0", "LATE", "probe-1", "LATE", "probe-2", "LATE", "probe-3", "LATE"));
        assertThat(byReason).as("dead letters per reason vs the reference").isEqualTo(expected.deadLetters());
        assertThat(StoredPoints.read(influx, database, plan).differencesFrom(expected.points(), plan))
                .as("points after %d -> %d vs the independent reference", before, after).isEmpty();
    }

    private static JobClient start(int parallelism, String savepoint, String feed, String deadLetters, String database)
            throws Exception {
        Configuration config = new Configuration();
        config.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        RegistryRef registry = RegistryRef.of(moves.registry());
        new IndicatorJob(plan, registry, new IndicatorJob.Timing(MAX_OUT_OF_ORDERNESS, IDLENESS, ALLOWED_LATENESS), "live",
                FeedSources.kafka(kafka.bootstrapServers(), feed, "rescale-" + feed, "earliest", types, registry,
                        EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                InfluxDbSink.builder(InfluxDbEndpoint.v1(influx.url(), database, null, null, null),
                        IndicatorPoint::toInfluxPoint).build(),
                DeadLetterSinks.kafka(kafka.bootstrapServers(), deadLetters))
                .build(env);
        return env.executeAsync("rescale, parallelism " + parallelism);
    }

    /** Waits until the job's account has read {@code n} records (its accumulators go on from a restored total). */
    private static void awaitRead(JobClient job, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            Object read = job.getAccumulators().get().get(IndicatorJob.RECORDS_READ);
            if (read != null && (Long) read >= n) {
                assertThat((Long) read).as("records read, by the job's accumulators").isEqualTo(n);
                return;
            }
            assertThat(System.nanoTime()).as("%d records read within 90 s (read: %s)", n, read).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Every dead letter once per source position (the sink is at-least-once). */
    private static List<JsonNode> deadLetters(String topic) throws Exception {
        long rejected = BEFORE.size() + AFTER.size() - expected.accepted();
        Map<String, JsonNode> byPosition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : kafka.consume(topic, (int) rejected, Duration.ofSeconds(20))) {
            JsonNode node = JSON.readTree(letter.value());
            byPosition.put(node.get("partition").asText() + "/" + node.get("offset").asText(), node);
        }
        return new ArrayList<>(byPosition.values());
    }

    private static int partition(SimRecord r) {
        return Math.floorMod(r.key().hashCode(), PARTITIONS);
    }

    private static List<ProducerRecord<byte[], byte[]>> records(String topic, List<SimRecord> feed) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(feed.size());
        for (SimRecord r : feed) {
            records.add(new ProducerRecord<>(topic, partition(r), r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        return records;
    }
}
