package org.citytwin.jobs.engine.source;

import java.time.Duration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.model.asset.AssetTypes;

/** The city feed as a Flink source. */
public final class FeedSources {

    private FeedSources() {}

    /**
     * The feed topic: a Kafka source of parsed feed records, one split per partition.
     *
     * @param startingOffsets {@code earliest}, {@code latest} or {@code committed} (else earliest)
     * @param maxFutureSkew records further ahead of the wall clock are dead-lettered FUTURE
     * @param bounded stop at the offsets that are the latest when the job starts (tests, replays)
     */
    public static FeedSource<KafkaPartitionSplit, KafkaSourceEnumState> kafka(String bootstrapServers, String topic, String groupId,
            String startingOffsets, AssetTypes types, RegistryRef registry, Duration maxFutureSkew, boolean bounded) {
        return kafka(bootstrapServers, topic, groupId, switch (startingOffsets) {
                    case "earliest" -> OffsetsInitializer.earliest();
                    case "latest" -> OffsetsInitializer.latest();
                    case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    default -> throw new IllegalArgumentException(
                            "starting offsets must be earliest, latest or committed, not " + startingOffsets);
                }, bounded ? OffsetsInitializer.latest() : null, new FeedDeserializer(types, registry, maxFutureSkew));
    }

    /**
     * A Kafka source of feed records from {@code start}, ending at {@code stop} (null: unbounded),
     * read by {@code deserializer} (replays: a {@link FeedDeserializer} that keeps one period).
     */
    public static FeedSource<KafkaPartitionSplit, KafkaSourceEnumState> kafka(String bootstrapServers, String topic, String groupId,
            OffsetsInitializer start, OffsetsInitializer stop, KafkaRecordDeserializationSchema<FeedRecord> deserializer) {
        KafkaSourceBuilder<FeedRecord> builder = KafkaSource.<FeedRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(start)
                .setDeserializer(deserializer)
                .setProperty("commit.offsets.on.checkpoint", "true");
        if (stop != null) {
            builder.setBounded(stop);
        }
        return new FeedSource<>(builder.build(), KafkaPartitionSplit::getPartition);
    }
}
