package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.citytwin.embedded.TempDirs;
import org.citytwin.jobs.config.TwinConfig;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

/**
 * The job {@code twin run} builds, with every branch on (archive, alerts with a webhook and
 * Alertmanager receiver), runs with {@code pipeline.generic-types: false}: building its graph
 * creates every edge's serializer, which fails for a type that would fall back to Kryo. Types in
 * state are created when the job runs: the engine's ITCases run with the same setting.
 */
class EngineSerializersTest {

    @Test
    void theJobTwinRunBuildsHasGenericTypesDisabledAndASerializerOnEveryEdge() throws Exception {
        Path work = Files.createTempDirectory("twin-serializers-");
        try {
            CitySimulator simulator = new CitySimulator(AssetTypes.load("shanghai"), CityTopology.load("shanghai"),
                    CitySimulator.options().seed(1).scale(0.01).start(Instant.parse("2025-07-01T00:00:00Z").toEpochMilli())
                            .duration(60_000));
            simulator.registry().write(work.resolve("registry.jsonl"));
            Files.writeString(work.resolve("receivers.yaml"), """
                    receivers:
                      - name: oncall
                        type: webhook
                        url: http://127.0.0.1:9/hook
                      - name: alertmanager
                        type: alertmanager
                        url: http://127.0.0.1:9
                    """);
            Configuration options = TwinConfig.load(null, List.of(
                    "feed.kafka.bootstrap-servers=127.0.0.1:9",
                    "registry.file=" + work.resolve("registry.jsonl"),
                    "influxdb.url=http://127.0.0.1:9",
                    "archive.dir=" + work.resolve("archive"),
                    "dead-letters.dir=" + work.resolve("dead-letters"),
                    "alerts.enabled=true",
                    "alerts.receivers.file=" + work.resolve("receivers.yaml")));
            TwinConfig.requireForRun(options);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    RunCommand.engineEnvironment(options));
            RunCommand.build(env, options, Map.of(), true);

            assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
            StreamGraph graph = env.getStreamGraph(); // creates each output's serializer: a generic type throws
            List<TypeSerializer<?>> serializers = new ArrayList<>();
            int edges = 0;
            for (StreamNode node : graph.getStreamNodes()) {
                edges += node.getOutEdges().size();
                if (node.getTypeSerializersIn() != null) {
                    serializers.addAll(Arrays.asList(node.getTypeSerializersIn()));
                }
                serializers.add(node.getTypeSerializerOut());
                serializers.add(node.getStateKeySerializer());
            }
            assertThat(edges).as("edges of the job").isGreaterThanOrEqualTo(12);
            assertThat(serializers).filteredOn(s -> s instanceof KryoSerializer).as("Kryo serializers").isEmpty();
        } finally {
            TempDirs.deleteRecursively(work);
        }
    }
}
