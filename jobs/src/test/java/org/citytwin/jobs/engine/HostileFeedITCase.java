package org.citytwin.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random bytes and mutated events thrown at the running job: it must not fail, and every record
 * read is either applied or dead-lettered, with its original bytes and source position.
 */
class HostileFeedITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

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
    void everyHostileRecordIsAppliedOrDeadLetteredWithItsOriginalBytes() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, topology);
        CitySimulator sim = new CitySimulator(types, topology, CitySimulator.options().seed(7).scale(0.01)
                .duration(600_000));
        Random random = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        for (SimRecord record : sim) {
            payloads.add(record.json());
            payloads.add(mutate(record.json(), random));
        }
        for (int i = 0; i < 300; i++) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            payloads.add(noise);
        }
        payloads.add("[".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        payloads.add(("{\"asset\":\"" + "x".repeat(1 << 19) + "\"}").getBytes(StandardCharsets.UTF_8));
        // 600 KB, under Kafka's 1 MiB limit, that JSON escaping would blow up to 3.6 MB in a dead letter.
        payloads.add(("{\"asset\":\"" + "\u0001".repeat(600_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        payloads.add(new byte[0]);
        payloads.add(null);

        kafka.createTopic("hostile", 2);
        kafka.createTopic("hostile-dead", 1);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            records.add(new ProducerRecord<>("hostile", i % 2, null, payloads.get(i)));
        }
        kafka.produce(records);
        Map<String, byte[]> produced = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : kafka.consume("hostile", payloads.size(), Duration.ofSeconds(60))) {
            produced.put(r.partition() + "/" + r.offset(), r.value() == null ? new byte[0] : r.value());
        }
        assertThat(produced).hasSize(payloads.size());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        new IndicatorJob(plan, RegistryRef.of(sim.registry()),
                new IndicatorJob.Timing(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5)), "live",
                FeedSources.kafka(kafka.bootstrapServers(), "hostile", "hostile-" + UUID.randomUUID(), "earliest",
                        types, RegistryRef.of(sim.registry()), org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, true),
                new DiscardingSink<>(), DeadLetterSinks.kafka(kafka.bootstrapServers(), "hostile-dead"))
                .build(env);
        JobExecutionResult result = env.execute("hostile feed");

        long read = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_READ);
        long applied = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_APPLIED);
        long deadLettered = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_DEAD_LETTERED);
        assertThat(read).isEqualTo(payloads.size());
        assertThat(applied + deadLettered).isEqualTo(read);
        assertThat(deadLettered).isGreaterThan(300);

        ObjectMapper json = new ObjectMapper();
        List<ConsumerRecord<byte[], byte[]>> letters =
                kafka.consume("hostile-dead", (int) deadLettered, Duration.ofSeconds(60));
        assertThat(letters).hasSize((int) deadLettered);
        int truncated = 0;
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            JsonNode node = json.readTree(letter.value());
            assertThat(node.path("topic").asText()).isEqualTo("hostile");
            byte[] original = produced.get(node.path("partition").asInt() + "/" + node.path("offset").asLong());
            byte[] kept = node.has("payload_base64")
                    ? Base64.getDecoder().decode(node.get("payload_base64").asText())
                    : node.path("payload").asText().getBytes(StandardCharsets.UTF_8);
            assertThat(letter.value().length).as("dead letter size").isLessThan(DeadLetter.MAX_PAYLOAD_BYTES * 6 + 4096);
            if (original.length > DeadLetter.MAX_PAYLOAD_BYTES) {
                assertThat(node.path("payload_truncated").asBoolean()).isTrue();
                assertThat(node.path("payload_bytes").asInt()).isEqualTo(original.length);
                assertThat(kept).isEqualTo(java.util.Arrays.copyOf(original, DeadLetter.MAX_PAYLOAD_BYTES));
                truncated++;
            } else {
                assertThat(node.has("payload_truncated")).isFalse();
                assertThat(kept).as("payload of dead letter %s", node.path("reason")).isEqualTo(original);
            }
            assertThat(node.path("reason").asText()).isNotEmpty();
            assertThat(node.path("detail").asText()).isNotEmpty();
        }
        assertThat(truncated).as("oversized payloads, truncated in their dead letters").isEqualTo(3);
    }

    /** One of: flipped byte, truncation, a number made huge or non-finite, a field renamed. */
    private static byte[] mutate(byte[] json, Random random) {
        String text = new String(json, StandardCharsets.UTF_8);
        return switch (random.nextInt(5)) {
            case 0 -> {
                byte[] copy = json.clone();
                copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                yield copy;
            }
            case 1 -> java.util.Arrays.copyOf(json, random.nextInt(json.length));
            case 2 -> text.replaceFirst("\\d+\\.\\d+", "1e400").getBytes(StandardCharsets.UTF_8);
            case 3 -> text.replaceFirst("\"asset\"", "\"asset_id\"").getBytes(StandardCharsets.UTF_8);
            default -> text.replaceFirst(":\\s*(\\d)", ":\"$1").getBytes(StandardCharsets.UTF_8);
        };
    }
}
