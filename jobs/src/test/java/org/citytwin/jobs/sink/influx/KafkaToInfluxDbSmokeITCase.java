package org.citytwin.jobs.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The smallest real round trip: JSON readings in a Kafka topic, a Flink job on the MiniCluster
 * reading them with the KafkaSource, and the InfluxDB sink writing them to a real influxd.
 */
class KafkaToInfluxDbSmokeITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;

    @BeforeAll
    static void startServices() throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
    }

    @AfterAll
    static void stopServices() throws Exception {
        influx.close();
        kafka.close();
    }

    @Test
    void everyReadingInKafkaArrivesInInfluxDbAsExactlyOnePoint() throws Exception {
        kafka.createTopic("readings", 2);
        influx.createDatabase("smoke");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<Map<String, Object>> expected = new HashSet<>();
        String[] areas = {"310101", "310104", "310115"};
        for (int i = 0; i < 60; i++) {
            String area = areas[i % 3];
            long time = 1_767_225_600_000L + 60_000L * i;
            double value = i * 1.25 - 7;
            String json = "{\"id\":\"air_aqi_avg\",\"area\":\"" + area + "\",\"time\":" + time + ",\"value\":" + value + "}";
            records.add(new ProducerRecord<>("readings", i % 2, null, json.getBytes(StandardCharsets.UTF_8)));
            expected.add(Map.of("id", "air_aqi_avg", "category", "air_quality", "area", area, "level", "district",
                    "run", "live", "time", time, "value", value));
        }
        kafka.produce(records);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        KafkaSource<String> source = KafkaSource.<String>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics("readings")
                .setGroupId("smoke")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new SimpleStringSchema())
                .build();
        InfluxDbSink<IndicatorPoint> sink = InfluxDbSink.builder(
                        InfluxDbEndpoint.v1(influx.url(), "smoke", null, null, null), IndicatorPoint::toInfluxPoint)
                .maxBatchSize(7)
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "readings")
                .map(KafkaToInfluxDbSmokeITCase::toPoint)
                .sinkTo(sink);
        env.execute("smoke");

        List<Map<String, Object>> rows = influx.query("smoke", "SELECT * FROM indicator");
        assertThat(rows).hasSize(60);
        assertThat(new HashSet<>(rows)).isEqualTo(expected);
    }

    private static IndicatorPoint toPoint(String json) throws Exception {
        JsonNode node = new ObjectMapper().readTree(json);
        return new IndicatorPoint(node.get("id").asText(), "air_quality", node.get("area").asText(), "district",
                "live", node.get("time").asLong(), node.get("value").asDouble());
    }
}
