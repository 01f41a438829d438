package org.citytwin.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.embedded.TempDirs;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.sim.SimRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the replay ITCases run {@code twin} commands on: a Kafka broker with the feed topic
 * {@value #TOPIC}, an influxd with database {@code twin}, and a work directory (registry file,
 * dead letters, checkpoints). Started before the class's {@code @BeforeAll}, stopped after it.
 */
public final class ReplayFixture implements BeforeAllCallback, AfterAllCallback {

    public static final String TOPIC = "city-feed";

    private final String name;
    private EmbeddedKafka kafka;
    private EmbeddedInfluxDb influx;
    private Path work;

    /** @param name names the work directory ({@code twin-<name>-…}) */
    public ReplayFixture(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        work = Files.createTempDirectory("twin-" + name + "-");
        influx.createDatabase("twin");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (influx != null) {
            influx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (work != null) {
            TempDirs.deleteRecursively(work);
        }
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedInfluxDb influx() {
        return influx;
    }

    public Path work() {
        return work;
    }

    /** The directory of dead letters, one subdirectory per drill run. */
    public Path deadLetters() {
        return work.resolve("dead-letters");
    }

    /** Writes the registry the commands read. */
    public void registry(AssetRegistry registry) throws IOException {
        registry.write(work.resolve("registry.jsonl"));
    }

    /**
     * Creates the feed topic with {@code partitions} partitions and produces the records, keyed by
     * asset (the producer's partitioner spreads them by the key) and stamped with their event time,
     * as {@code twin simulate --kafka} does.
     */
    public void feed(int partitions, List<SimRecord> records) throws Exception {
        createTopic(partitions);
        List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
        for (SimRecord r : records) {
            produced.add(record(null, r));
        }
        kafka.produce(produced);
    }

    /** The same with each partition's records given, in their order. */
    public void feed(List<List<SimRecord>> partitions) throws Exception {
        createTopic(partitions.size());
        List<ProducerRecord<byte[], byte[]>> produced = new ArrayList<>();
        for (int p = 0; p < partitions.size(); p++) {
            for (SimRecord r : partitions.get(p)) {
                produced.add(record(p, r));
            }
        }
        kafka.produce(produced);
    }

    private void createTopic(int partitions) throws Exception {
        // Retention goes by record timestamps: with the default 7 days, the broker would delete a feed
        // stamped in 2025 while the test runs. A topic replays read from keeps what they need.
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1).configs(Map.of("retention.ms", "-1"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(Integer partition, SimRecord r) {
        return new ProducerRecord<>(TOPIC, partition, r.time(), r.key().getBytes(StandardCharsets.UTF_8), r.json());
    }

    /**
     * The options every command of the test runs with ({@code --set key=value} pairs): this
     * fixture's Kafka, topic, registry, InfluxDB {@code database}, dead-letter and checkpoint
     * directories; alerts off, parallelism 2.
     */
    public List<String> settings(String database) {
        return List.of(
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=" + TOPIC,
                "--set", "registry.file=" + work.resolve("registry.jsonl"),
                "--set", "influxdb.url=" + influx.url(),
                "--set", "influxdb.database=" + database,
                "--set", "dead-letters.dir=" + deadLetters(),
                "--set", "checkpoint.dir=" + work.resolve("checkpoints").toUri(),
                "--set", "alerts.enabled=false",
                "--set", "parallelism=2");
    }

    /**
     * Every indicator point of a run in {@code database}: "id|area|time" → value, one query per
     * category (keeps each answer small); their number is InfluxDB's count of the run's points.
     */
    public Map<String, Double> points(String database, String run, List<Category> categories)
            throws IOException, InterruptedException {
        Map<String, Double> points = new HashMap<>();
        for (Category category : categories) {
            for (Map<String, Object> row : influx.query(database, "SELECT \"value\", \"id\", \"area\" FROM indicator"
                    + " WHERE \"run\" = '" + run + "' AND \"category\" = '" + category.id() + "'")) {
                points.put(row.get("id") + "|" + row.get("area") + "|" + row.get("time"), (Double) row.get("value"));
            }
        }
        List<Map<String, Object>> count = influx.query(database,
                "SELECT count(value) FROM indicator WHERE \"run\" = '" + run + "'");
        assertThat(count.isEmpty() ? 0L : ((Double) count.get(0).get("count")).longValue())
                .as("points of run " + run + " in " + database).isEqualTo(points.size());
        return points;
    }
}
