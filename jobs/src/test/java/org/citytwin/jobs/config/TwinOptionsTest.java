package org.citytwin.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinOptionsTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

    @Test
    void everyOptionIsDocumentedWithItsDefault() throws Exception {
        String doc = Files.readString(REFERENCE);
        for (ConfigOption<?> option : TwinOptions.all()) {
            String defaultText = option.hasDefaultValue() ? String.valueOf(option.defaultValue()) : "(none)";
            if (option.defaultValue() instanceof Duration d) {
                defaultText = org.apache.flink.util.TimeUtils.formatWithHighestUnit(d);
            }
            assertThat(doc).as("docs/configuration.md row for %s", option.key())
                    .contains("| `" + option.key() + "` | " + defaultText + " |");
        }
        assertThat(TwinOptions.all()).hasSizeGreaterThan(20);
    }

    @Test
    void yamlNestedAndDottedKeysAndOverridesAreRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("twin.yaml");
        Files.writeString(file, """
                influxdb:
                  url: http://influx:8086
                  database: city
                lateness.allowed: 2 min
                parallelism: 3
                """);

        Configuration config = TwinConfig.load(file, List.of("parallelism=4", "run=drill-7"));

        assertThat(config.get(TwinOptions.INFLUXDB_URL)).isEqualTo("http://influx:8086");
        assertThat(config.get(TwinOptions.INFLUXDB_DATABASE)).isEqualTo("city");
        assertThat(config.get(TwinOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.get(TwinOptions.PARALLELISM)).isEqualTo(4);
        assertThat(config.get(TwinOptions.RUN)).isEqualTo("drill-7");
        assertThat(config.get(TwinOptions.FEED_TOPIC)).isEqualTo("city-feed");
    }

    @Test
    void everyUnknownKeyAndBadValueIsReportedWithFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("twin.yaml");
        Files.writeString(file, """
                influxdb:
                  url: http://influx:8086
                  pasword: secret
                parallelism: many
                feed.kafka.topc: x
                """);

        assertThatThrownBy(() -> TwinConfig.load(file, List.of("checkpoint.interval=soon")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        file + ":3: unknown option 'influxdb.pasword' (see docs/configuration.md)",
                        file + ":5: unknown option 'feed.kafka.topc' (see docs/configuration.md)",
                        file + ":4: option 'parallelism': Could not parse value 'many' for key 'parallelism'.",
                        "--set: option 'checkpoint.interval': Could not parse value 'soon' for key 'checkpoint.interval'."));
    }

    @Test
    void secretsComeFromFilesOrEnvironmentAndNeverFromPrintedConfiguration(@TempDir Path dir) throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "s3cr3t-token\n");
        Configuration fromFile = TwinConfig.load(null, List.of("influxdb.url=http://x:8086", "influxdb.api=v2",
                "influxdb.org=city", "influxdb.token.file=" + tokenFile));
        Configuration fromEnv = TwinConfig.load(null, List.of("influxdb.url=http://x:8086", "influxdb.user=twin"));

        var v2 = org.citytwin.jobs.sink.influx.InfluxDbEndpoint.fromConfig(fromFile, Map.of());
        var v1 = org.citytwin.jobs.sink.influx.InfluxDbEndpoint.fromConfig(fromEnv, Map.of("INFLUXDB_PASSWORD", "pw"));

        assertThat(v2.authorization()).contains("Token s3cr3t-token");
        assertThat(v1.authorization()).contains("Basic dHdpbjpwdw==");
        assertThat(v2.toString() + v1 + fromFile + fromEnv).doesNotContain("s3cr3t-token").doesNotContain("pw ")
                .doesNotContain("dHdpbjpwdw==");
    }

    @Test
    void everyMissingRequiredOptionOfRunIsListedAtOnce() throws Exception {
        Configuration none = TwinConfig.load(null, List.of("influxdb.api=v2", "registry.file=/no/such/registry.jsonl"));
        assertThatThrownBy(() -> TwinConfig.requireForRun(none))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).containsExactly(
                        "option 'feed.kafka.bootstrap-servers' is required (in --config FILE, or --set key=value)",
                        "option 'influxdb.url' is required (in --config FILE, or --set key=value)",
                        "option 'registry.file': no such file /no/such/registry.jsonl",
                        "option 'influxdb.org' is required (in --config FILE, or --set key=value) with influxdb.api=v2"));
    }

    @Test
    void aRunCheckpointsToALocalDirectoryAndServesRestOnLoopbackByDefault() throws Exception {
        Configuration options = TwinConfig.load(null, List.of());
        Configuration flink = org.citytwin.jobs.cli.RunCommand.engineEnvironment(options);
        assertThat(flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(flink.get(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(Path.of("twin-checkpoints").toAbsolutePath().toUri().toString());
        org.citytwin.jobs.cli.RunCommand.localRestEndpoint(flink, options);
        assertThat(flink.get(org.apache.flink.configuration.RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(flink.get(org.apache.flink.configuration.RestOptions.PORT)).isPositive();
    }
}
