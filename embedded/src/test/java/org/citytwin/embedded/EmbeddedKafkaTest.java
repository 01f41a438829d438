package org.citytwin.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {

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
    void producedRecordsAreConsumedInPartitionOrderWithKeys() throws Exception {
        kafka.createTopic("roundtrip", 3);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(new ProducerRecord<>("roundtrip", i % 3, bytes("k" + i), bytes("v" + i)));
        }
        kafka.produce(records);

        List<ConsumerRecord<byte[], byte[]>> read = kafka.consume("roundtrip", 30, Duration.ofSeconds(30));

        assertThat(read).hasSize(30);
        for (int p = 0; p < 3; p++) {
            int partition = p;
            List<String> values = read.stream().filter(r -> r.partition() == partition)
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = p; i < 30; i += 3) {
                expected.add("v" + i);
            }
            assertThat(values).containsExactlyElementsOf(expected);
        }
        assertThat(kafka.topics()).contains("roundtrip");
    }

    @Test
    void compactedTopicIsCreatedWithCompactionPolicy() throws Exception {
        kafka.createCompactedTopic("registry", 1);
        var configs = kafka.admin().describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "registry"))).all().get();
        assertThat(configs.values().iterator().next().get("cleanup.policy").value()).isEqualTo("compact");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
