package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.source.FeedTopics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin run} against a separate Kafka and InfluxDB: what it checks before it starts the job. */
class RunCommandITCase {

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
    void aMissingDeadLetterTopicIsCreated() throws Exception {
        kafka.createTopic("feed-with-three", 3);

        assertThat(FeedTopics.ensure(kafka.bootstrapServers(), "feed-with-three", "letters"))
                .isEqualTo("feed topic 'feed-with-three' (3 partitions); created the dead-letter topic 'letters'");
        assertThat(FeedTopics.ensure(kafka.bootstrapServers(), "feed-with-three", "letters"))
                .isEqualTo("feed topic 'feed-with-three' (3 partitions)");
    }
}
