package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.source.FeedTopics;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code twin run} against a separate Kafka and InfluxDB: what it checks before it starts the job,
 * and a local run cancelled and resumed from the checkpoint it kept.
 */
class RunCommandITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
    }

    @AfterAll
    static void stop() throws Exception {
        influx.close();
        kafka.close();
    }

    @Test
    void aMissingFeedTopicStopsTheRunWithOneLineInsteadOfAJobThatFailsOverForever(@TempDir Path dir) throws Exception {
        Path registry = Files.writeString(dir.resolve("registry.jsonl"), "");

        TwinCommandLine.Run run = TwinCommandLine.run("run",
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=no-such-feed",
                "--set", "registry.file=" + registry,
                "--set", "influxdb.url=" + influx.url());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("twin: the feed topic 'no-such-feed' does not exist on " + kafka.bootstrapServers()
                + " (set feed.kafka.topic, or create it with as many partitions as the feed needs)\n");
    }

    @Test
    void aMissingAssetRegistryTopicStopsTheRunWithOneLineInsteadOfAJobThatFailsOverForever() throws Exception {
        kafka.createTopic("feed-for-a-missing-registry", 1);

        TwinCommandLine.Run run = TwinCommandLine.run("run",
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=feed-for-a-missing-registry",
                "--set", "registry.kafka.topic=no-such-registry",
                "--set", "influxdb.url=" + influx.url());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("twin: the asset registry topic 'no-such-registry' does not exist on "
                + kafka.bootstrapServers() + " (set registry.kafka.topic, or create it compacted: cleanup.policy=compact)\n");
        kafka.createCompactedTopic("registry-that-exists", 1);
        assertThat(FeedTopics.ensure(kafka.bootstrapServers(), "feed-for-a-missing-registry", null, "registry-that-exists"))
                .isEqualTo("feed topic 'feed-for-a-missing-registry' (1 partitions), asset registry topic 'registry-that-exists'");
    }

    @Test
    void aMissingDeadLetterTopicIsCreated() throws Exception {
        kafka.createTopic("feed-with-three", 3);

        assertThat(FeedTopics.ensure(kafka.bootstrapServers(), "feed-with-three", "letters", null))
                .isEqualTo("feed topic 'feed-with-three' (3 partitions); created the dead-letter topic 'letters'");
        assertThat(FeedTopics.ensure(kafka.bootstrapServers(), "feed-with-three", "letters", null))
                .isEqualTo("feed topic 'feed-with-three' (3 partitions)");
    }

    @Test
    void aCancelledLocalRunResumesFromTheCheckpointItKeptAndItsAccountGoesOn(@TempDir Path dir) throws Exception {
        CitySimulator simulator = new CitySimulator(AssetTypes.load("shanghai"), CityTopology.load("shanghai"),
                CitySimulator.options().seed(5).scale(0.01).badShare(0.02)
                        .start(Instant.parse("2026-12-01T08:00:00Z").toEpochMilli()).duration(Duration.ofMinutes(20).toMillis()));
        List<SimRecord> feed = new ArrayList<>();
        simulator.forEach(feed::add);
        Path registry = dir.resolve("registry.jsonl");
        simulator.registry().write(registry);
        kafka.createTopic("resume-feed", 2);
        List<SimRecord> before = feed.subList(0, feed.size() / 2);
        List<SimRecord> after = feed.subList(feed.size() / 2, feed.size());
        String checkpoints = dir.resolve("checkpoints").toUri().toString(); // before it exists: no trailing slash
        List<String> common = List.of(
                "--set", "feed.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--set", "feed.kafka.topic=resume-feed",
                "--set", "feed.kafka.group-id=resume-" + UUID.randomUUID(),
                "--set", "registry.file=" + registry,
                "--set", "influxdb.url=" + influx.url(),
                "--set", "influxdb.database=resume",
                "--set", "dead-letters.kafka.topic=resume-dead-letters",
                "--set", "checkpoint.interval=1 s",
                "--set", "checkpoint.dir=" + checkpoints);

        produce(before);
        int firstPort = freePort();
        CompletableFuture<TwinCommandLine.Run> first = runInBackground(common,
                "--set", "rest.port=" + firstPort, "--set", "feed.kafka.starting-offsets=earliest");
        String firstJob = awaitJob(firstPort);
        awaitRead(firstPort, firstJob, n -> n == before.size());
        long allRead = System.currentTimeMillis();
        JsonNode kept = await(() -> rest(firstPort, "GET", "/jobs/" + firstJob + "/checkpoints").path("latest").path("completed"),
                c -> c.path("trigger_timestamp").asLong() > allRead, "a checkpoint after the first half was read");
        rest(firstPort, "PATCH", "/jobs/" + firstJob + "?mode=cancel");
        TwinCommandLine.Run cancelled = first.get(60, TimeUnit.SECONDS);
        assertThat(cancelled.exitCode()).as(cancelled.err()).isEqualTo(1);
        assertThat(cancelled.err()).endsWith("twin: the job was cancelled; its checkpoints are kept\n");
        String checkpoint = kept.path("external_path").asText();
        assertThat(cancelled.err()).contains("twin: job " + firstJob + " submitted; its checkpoints: "
                + checkpoints + "/" + firstJob + "/chk-N");
        assertThat(Path.of(URI.create(checkpoint)).resolve("_metadata")).as("the checkpoint kept after the cancel")
                .exists();

        produce(after);
        int secondPort = freePort();
        // From `latest`: without the checkpoint's offsets the run would read nothing of what is there.
        CompletableFuture<TwinCommandLine.Run> second = runInBackground(common, "--set", "rest.port=" + secondPort,
                "--set", "feed.kafka.starting-offsets=latest", "--set", "execution.savepoint.path=" + checkpoint);
        String secondJob = awaitJob(secondPort);
        awaitRead(secondPort, secondJob, n -> n >= feed.size());
        Thread.sleep(2_000); // nothing read twice either
        JsonNode accumulators = rest(secondPort, "GET", "/jobs/" + secondJob + "/accumulators");
        rest(secondPort, "PATCH", "/jobs/" + secondJob + "?mode=cancel");
        second.get(60, TimeUnit.SECONDS);
        long read = accumulator(accumulators, IndicatorJob.RECORDS_READ);
        assertThat(read).as("records read: the restored total and the second half").isEqualTo(feed.size());
        assertThat(accumulator(accumulators, IndicatorJob.RECORDS_APPLIED)
                + accumulator(accumulators, IndicatorJob.RECORDS_DEAD_LETTERED)).as("applied + dead-lettered")
                .isEqualTo(read);
    }

    private static void produce(List<SimRecord> records) throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (SimRecord r : records) {
            out.add(new ProducerRecord<>("resume-feed", r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        kafka.produce(out);
    }

    private static CompletableFuture<TwinCommandLine.Run> runInBackground(List<String> common, String... more) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(common);
        args.addAll(List.of(more));
        return CompletableFuture.supplyAsync(() -> TwinCommandLine.run(args.toArray(new String[0])));
    }

    private static String awaitJob(int port) throws Exception {
        return await(() -> rest(port, "GET", "/jobs").path("jobs").path(0).path("id"), JsonNode::isTextual,
                "the job on port " + port).asText();
    }

    private static void awaitRead(int port, String job, Predicate<Long> enough) throws Exception {
        await(() -> rest(port, "GET", "/jobs/" + job + "/accumulators"),
                a -> enough.test(accumulator(a, IndicatorJob.RECORDS_READ)), "records read");
    }

    private static long accumulator(JsonNode accumulators, String name) {
        for (JsonNode a : accumulators.path("user-task-accumulators")) {
            if (a.path("name").asText().equals(name)) {
                return Long.parseLong(a.path("value").asText());
            }
        }
        return -1;
    }

    private interface Probe {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(Probe probe, Predicate<JsonNode> done, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = probe.get();
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException notYet) {
                // the local cluster's REST endpoint is not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(what + " within 120 s; last answer: " + last);
    }

    private static JsonNode rest(int port, String method, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
