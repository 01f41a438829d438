package org.citytwin.jobs.sink.deadletter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.jobs.engine.source.DeadLetter;

/** Where rejected records go: a Kafka topic, or JSON-lines files in embedded mode. */
public final class DeadLetterSinks {

    private DeadLetterSinks() {}

    /** One JSON message per dead letter, keyed by reason, at least once. */
    public static Sink<DeadLetter> kafka(String bootstrapServers, String topic) {
        KafkaRecordSerializationSchema<DeadLetter> schema = (letter, context, timestamp) -> record(topic, letter);
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /** The Kafka message of a dead letter: key the reason, value its JSON. */
    public static ProducerRecord<byte[], byte[]> record(String topic, DeadLetter letter) {
        return new ProducerRecord<>(topic, letter.reason().getBytes(StandardCharsets.UTF_8),
                letter.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /** One line of a dead-letter file: its JSON and a newline. */
    public static byte[] line(DeadLetter letter) {
        return (letter.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** JSON-lines part files under {@code dir}, finished on checkpoints and at the end of a bounded job. */
    public static Sink<DeadLetter> files(Path dir) {
        Encoder<DeadLetter> encoder = (letter, out) -> out.write(line(letter));
        return FileSink.forRowFormat(new org.apache.flink.core.fs.Path(dir.toUri()), encoder).build();
    }
}
