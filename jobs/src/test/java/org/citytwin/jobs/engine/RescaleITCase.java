package org.citytwin.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running job stopped with a savepoint and restored at another parallelism decides lateness as
 * the uninterrupted job would: every partition's watermark follows the partition to its new subtask.
 */
class RescaleITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final int PARTITIONS = 4;
    private static final long T = Instant.parse("2025-07-01T01:00:00Z").toEpochMilli();
    private static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    private static final Duration LATENESS = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() throws Exception {
        kafka.close();
    }

    @Test
    void lateDecisionsAfterARestoreAtTwiceTheParallelismAreThoseOfAnUninterruptedRun(@TempDir Path dir) throws Exception {
        restoreAtAnotherParallelism(2, 4, "up", dir);
    }

    @Test
    void lateDecisionsAfterARestoreAtHalfTheParallelismAreThoseOfAnUninterruptedRun(@TempDir Path dir) throws Exception {
        restoreAtAnotherParallelism(4, 2, "down", dir);
    }

    private void restoreAtAnotherParallelism(int before, int after, String name, Path dir) throws Exception {
        String feed = "feed-" + name;
        String dead = "dead-" + name;
        kafka.createTopic(feed, PARTITIONS);
        kafka.createTopic(dead, 1);
        AssetRegistry registry = new AssetRegistry();
        for (int p = 0; p < PARTITIONS; p++) {
            registry.put(new Asset(asset(p), "air_station", "310101002", 31.2, 121.4,
                    Map.of("station_class", "roadside", "elevation", 10.0)));
        }

        // Before: every partition reaches T, so its watermark is T - 31 s.
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (long t = T - 600_000; t <= T; t += 60_000) {
                first.add(reading(feed, p, t));
            }
        }
        kafka.produce(first);
        JobClient job = start(feed, dead, registry, before, null);
        awaitRead(job, first.size());
        String savepoint = job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();

        // After, at the other parallelism: per partition one record more than the lateness behind its
        // watermark (LATE) and one on time. Nothing else moves any watermark.
        List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
        Map<String, String> expectedLate = new TreeMap<>();
        long late = T - 31_000 - LATENESS.toMillis() - 1_000;
        for (int p = 0; p < PARTITIONS; p++) {
            second.add(reading(feed, p, late));
            second.add(reading(feed, p, T + 1_000));
            expectedLate.put(asset(p), "LATE");
        }
        JobClient restored = start(feed, dead, registry, after, savepoint);
        kafka.produce(second);
        awaitRead(restored, second.size());
        Map<String, String> letters = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : kafka.consume(dead, PARTITIONS, Duration.ofSeconds(20))) {
            JsonNode node = JSON.readTree(letter.value());
            JsonNode payload = JSON.readTree(node.get("payload").asText());
            letters.put(payload.get("asset").asText(), node.get("reason").asText());
        }
        restored.cancel().get();
        assertThat(letters).as("dead letters after the restore at parallelism " + after).isEqualTo(expectedLate);
    }

    private static JobClient start(String feed, String dead, AssetRegistry registry, int parallelism, String savepoint)
            throws Exception {
        Configuration config = new Configuration();
        if (savepoint != null) {
            config.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        AssetTypes types = AssetTypes.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, CityTopology.load("shanghai"));
        RegistryRef ref = RegistryRef.of(registry);
        new IndicatorJob(plan, ref, new IndicatorJob.Timing(MAX_OUT_OF_ORDERNESS, Duration.ofMinutes(1), LATENESS),
                "live", FeedSources.kafka(kafka.bootstrapServers(), feed, "rescale", "earliest", types, ref,
                        EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                new DiscardingSink<>(), DeadLetterSinks.kafka(kafka.bootstrapServers(), dead))
                .build(env);
        return env.executeAsync("rescale p" + parallelism);
    }

    /** Waits until this run of the job has read {@code n} records (run accumulators count per run). */
    private static void awaitRead(JobClient job, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Object read = job.getAccumulators().get().get(IndicatorJob.RECORDS_READ);
            if (read != null && (Long) read >= n) {
                return;
            }
            assertThat(System.nanoTime()).as("%d records read within 60 s (read: %s)", n, read).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String asset(int partition) {
        return "air-" + partition;
    }

    private static ProducerRecord<byte[], byte[]> reading(String topic, int partition, long time) {
        String json = "{\"asset\":\"" + asset(partition) + "\",\"ts\":" + time + ",\"readings\":{\"aqi\":50}}";
        return new ProducerRecord<>(topic, partition, asset(partition).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }
}
