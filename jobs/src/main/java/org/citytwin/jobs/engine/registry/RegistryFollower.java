package org.citytwin.jobs.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.citytwin.model.asset.AssetRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one asset registry per compacted topic and JVM (TaskManager) current: a daemon thread
 * reads the topic from the beginning and then follows it, like a Kafka Streams GlobalKTable. The
 * first caller waits until everything in the topic when it started has been read.
 */
final class RegistryFollower implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryFollower.class);
    private static final Map<String, RegistryFollower> FOLLOWERS = new ConcurrentHashMap<>();
    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    private final String bootstrapServers;
    private final String topic;
    private final AssetRegistry registry = new AssetRegistry();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile RuntimeException failure;

    private RegistryFollower(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    /** The registry of the topic, read up to its end offsets at the first call. */
    static AssetRegistry shared(String bootstrapServers, String topic) {
        RegistryFollower follower = FOLLOWERS.computeIfAbsent(bootstrapServers + "|" + topic, k -> {
            RegistryFollower f = new RegistryFollower(bootstrapServers, topic);
            Thread thread = new Thread(f, "asset-registry-" + topic);
            thread.setDaemon(true);
            thread.start();
            return f;
        });
        try {
            if (!follower.caughtUp.await(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("asset registry topic " + topic + " not read within " + CATCH_UP);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the asset registry topic " + topic, e);
        }
        if (follower.failure != null) {
            FOLLOWERS.remove(bootstrapServers + "|" + topic);
            throw follower.failure;
        }
        return follower.registry;
    }

    @Override
    public void run() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record, json);
                }
                if (caughtUp.getCount() > 0 && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    LOG.info("asset registry topic {} read: {} assets", topic, registry.size());
                    caughtUp.countDown();
                }
            }
        } catch (RuntimeException e) {
            failure = new IllegalStateException("cannot follow the asset registry topic " + topic + ": " + e, e);
            caughtUp.countDown();
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record, ObjectMapper json) {
        if (record.value() == null) {
            if (record.key() != null) {
                registry.remove(new String(record.key(), StandardCharsets.UTF_8));
            }
            return;
        }
        try {
            JsonNode entry = json.readTree(record.value());
            registry.put(AssetRegistry.fromJson(entry), AssetRegistry.validFrom(entry));
        } catch (Exception e) {
            // One bad registration must not stop the registry; its assets stay unknown (UNKNOWN_ASSET).
            LOG.warn("skipping unreadable registration at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }
}
