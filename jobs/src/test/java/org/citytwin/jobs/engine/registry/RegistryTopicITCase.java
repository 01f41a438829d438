package org.citytwin.jobs.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedKafka;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Assets registered on the compacted registry topic while the job runs are known to it without a
 * restart, and an entry published there ahead of its {@code valid_from} takes effect exactly then.
 */
class RegistryTopicITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final long T0 = 1_751_328_000_000L;

    @Test
    void anAssetRegisteredWhileTheJobRunsIsAcceptedAfterItsRegistration() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, topology);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createCompactedTopic("assets", 1);
            kafka.createTopic("feed", 1);
            kafka.createTopic("dead", 1);
            kafka.produce(List.of(registration(new Asset("aq-1", "air_station", "310101002", 31.23, 121.47,
                    Map.of("station_class", "national", "elevation", 12.0)))));

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            new IndicatorJob(plan, RegistryRef.kafkaTopic(kafka.bootstrapServers(), "assets"),
                    new IndicatorJob.Timing(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(5)), "live",
                    FeedSources.kafka(kafka.bootstrapServers(), "feed", "g-" + UUID.randomUUID(), "earliest", types,
                            RegistryRef.kafkaTopic(kafka.bootstrapServers(), "assets"), org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                    new DiscardingSink<>(), DeadLetterSinks.kafka(kafka.bootstrapServers(), "dead"))
                    .build(env);
            JobClient job = env.executeAsync("registry topic");
            try {
                // Known from the start; then a new asset before and after its registration.
                kafka.produce(List.of(reading("aq-1", 1), reading("aq-2", 2), reading("marker-2", 2)));
                assertThat(awaitDeadLetterFor(kafka, "marker-2")).as("before its registration")
                        .containsExactlyInAnyOrder("r-aq-2-2", "r-marker-2-2");
                kafka.produce(List.of(registration(new Asset("aq-2", "air_station", "310104003", 31.19, 121.43,
                        Map.of("station_class", "roadside", "elevation", 8.0)))));
                List<String> acceptedAfterRegistration = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                for (int attempt = 3; acceptedAfterRegistration.isEmpty() && System.nanoTime() < deadline; attempt++) {
                    // The marker (an asset never registered) is dead-lettered after aq-2's reading in the one partition.
                    kafka.produce(List.of(reading("aq-2", attempt), reading("marker-" + attempt, attempt)));
                    List<String> rejectedIds = awaitDeadLetterFor(kafka, "marker-" + attempt);
                    if (!rejectedIds.contains("r-aq-2-" + attempt)) {
                        acceptedAfterRegistration.add("r-aq-2-" + attempt);
                    }
                }
                assertThat(acceptedAfterRegistration).as("a reading of aq-2 accepted once it was registered").hasSize(1);
            } finally {
                job.cancel().get();
            }
        }
    }

    @Test
    void anEntryWithValidFromPublishedAheadMovesTheAssetExactlyThen() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, topology);
        String home = "310101002";
        String away = "310104003";
        long minute = 60_000;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createCompactedTopic("assets", 1);
            kafka.createTopic("feed", 1);
            kafka.createTopic("dead", 1);
            Asset moving = new Asset("aq-m", "air_station", home, 31.23, 121.47, Map.of("station_class", "national"));
            kafka.produce(List.of(registration(moving), registration(new Asset("aq-s", "air_station", home, 31.23,
                    121.47, Map.of("station_class", "national")))));
            CollectedPoints.POINTS.clear();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            RegistryRef registry = RegistryRef.kafkaTopic(kafka.bootstrapServers(), "assets");
            new IndicatorJob(plan, registry,
                    new IndicatorJob.Timing(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofMinutes(5)), "live",
                    FeedSources.kafka(kafka.bootstrapServers(), "feed", "g-" + UUID.randomUUID(), "earliest", types,
                            registry, org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                    new CollectedPoints(), DeadLetterSinks.kafka(kafka.bootstrapServers(), "dead"))
                    .build(env);
            JobClient job = env.executeAsync("registry topic, an entry with valid_from");
            try {
                kafka.produce(readings(1, 5));
                long validFrom = T0 + 12 * minute + 30_000;
                kafka.produce(List.of(new ProducerRecord<>("assets", "aq-m".getBytes(StandardCharsets.UTF_8),
                        AssetRegistry.toJson(new Asset("aq-m", "air_station", away, 31.2, 121.4, moving.attributes()),
                                validFrom).getBytes(StandardCharsets.UTF_8))));
                awaitTrue(() -> registry.resolve().history("aq-m").entries().size() == 2, "the entry read by the job");
                kafka.produce(readings(6, 25));
                awaitTrue(() -> CollectedPoints.POINTS.containsKey("air_aqi_avg " + away + " " + (T0 + 20 * minute)),
                        "the 20:00 point of the street moved to");
                // aq-m reads 40 + n at minute n, aq-s 100 + n; the move is at 12:30.
                assertThat(CollectedPoints.POINTS).containsEntry("air_aqi_avg " + home + " " + (T0 + 10 * minute), 80.0)
                        .containsEntry("air_aqi_avg " + home + " " + (T0 + 15 * minute), 115.0)
                        .containsEntry("air_aqi_avg " + away + " " + (T0 + 15 * minute), 55.0)
                        .containsEntry("air_aqi_avg " + home + " " + (T0 + 20 * minute), 120.0)
                        .containsEntry("air_aqi_avg " + away + " " + (T0 + 20 * minute), 60.0)
                        .doesNotContainKey("air_aqi_avg " + away + " " + (T0 + 10 * minute));
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Readings of aq-m (40 + n) and aq-s (100 + n) at minutes {@code from} to {@code to}. */
    private static List<ProducerRecord<byte[], byte[]>> readings(int from, int to) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            for (String asset : List.of("aq-m", "aq-s")) {
                String json = "{\"asset\":\"" + asset + "\",\"ts\":" + (T0 + n * 60_000L) + ",\"readings\":{\"aqi\":"
                        + ((asset.equals("aq-m") ? 40 : 100) + n) + "}}";
                records.add(new ProducerRecord<>("feed", asset.getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The points of the job's street-level indicators, by "id area time" (the job runs in this JVM). */
    private static final class CollectedPoints implements Sink<IndicatorPoint> {
        static final Map<String, Double> POINTS = new ConcurrentHashMap<>();

        @Override
        public SinkWriter<IndicatorPoint> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(IndicatorPoint point, Context context) {
                    POINTS.put(point.id() + " " + point.area() + " " + point.time(), point.value());
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    private static ProducerRecord<byte[], byte[]> registration(Asset asset) {
        return new ProducerRecord<>("assets", asset.id().getBytes(StandardCharsets.UTF_8),
                AssetRegistry.toJson(asset).getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> reading(String asset, int n) {
        String json = "{\"id\":\"r-" + asset + "-" + n + "\",\"asset\":\"" + asset + "\",\"ts\":" + (T0 + n * 60_000L)
                + ",\"readings\":{\"aqi\":" + (40 + n) + "}}";
        return new ProducerRecord<>("feed", asset.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits until the marker's dead letter is there; returns the event ids of all dead letters so far. */
    private static List<String> awaitDeadLetterFor(EmbeddedKafka kafka, String marker) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> ids = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> letter : kafka.consume("dead", Integer.MAX_VALUE, Duration.ofSeconds(1))) {
                JsonNode payload = json.readTree(json.readTree(letter.value()).path("payload").asText());
                ids.add(payload.path("id").asText());
            }
            if (ids.stream().anyMatch(id -> id.startsWith("r-" + marker + "-"))) {
                return ids;
            }
        }
        throw new AssertionError("no dead letter for " + marker + " within 30 s");
    }
}
