package org.citytwin.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.citytwin.jobs.alert.Alerting;
import org.citytwin.jobs.config.ConfigException;
import org.citytwin.jobs.config.TwinConfig;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.DeadLetter;
import org.citytwin.jobs.engine.EngineSample;
import org.citytwin.jobs.engine.FeedSources;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.engine.RegistryRef;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.model.CitySource;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code twin run}: the indicator engine on the feed topic, writing to InfluxDB. Runs in a local
 * Flink, or on a cluster when submitted with {@code flink run jobs/target/twin.jar run ...}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the indicator engine: Kafka feed -> city twin -> indicators -> InfluxDB.")
public final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", description = "YAML configuration file (docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override one option: key=value (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Configuration options;
        try {
            options = TwinConfig.load(config, overrides);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(engineEnvironment(options));
        build(env, options, System.getenv(), false);
        env.execute("city twin indicators (" + options.get(TwinOptions.RUN) + ")");
        return 0;
    }

    /**
     * Flink settings of the engine: RocksDB with incremental checkpoints, exactly-once; timers on
     * the heap (the twin registers one per asset and second, which RocksDB timers make slow).
     */
    static Configuration engineEnvironment(Configuration options) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.get(TwinOptions.CHECKPOINT_INTERVAL));
        options.getOptional(TwinOptions.CHECKPOINT_DIR)
                .ifPresent(dir -> flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir));
        return flink;
    }

    /** Adds the engine, as the options describe it, to the environment. */
    static void build(StreamExecutionEnvironment env, Configuration options, Map<String, String> environment,
            boolean bounded) {
        String city = options.getOptional(TwinOptions.CITY_DIR).orElse(options.get(TwinOptions.CITY));
        CitySource source = CitySource.of(city);
        AssetTypes types = AssetTypes.load(source);
        CityTopology topology = CityTopology.load(source);
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load(source, types), types, topology);
        String bootstrap = options.getOptional(TwinOptions.FEED_BOOTSTRAP_SERVERS)
                .orElseThrow(() -> new IllegalArgumentException("option feed.kafka.bootstrap-servers is required"));
        RegistryRef registry = options.getOptional(TwinOptions.REGISTRY_TOPIC)
                .map(topic -> RegistryRef.kafkaTopic(bootstrap, topic))
                .orElseGet(() -> RegistryRef.of(AssetRegistry.load(Path.of(options.getOptional(TwinOptions.REGISTRY_FILE)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "option registry.file or registry.kafka.topic is required"))))));

        Sink<DeadLetter> deadLetters = options.getOptional(TwinOptions.DEAD_LETTER_DIR)
                .map(dir -> DeadLetterSinks.files(Path.of(dir)))
                .orElseGet(() -> DeadLetterSinks.kafka(bootstrap, options.get(TwinOptions.DEAD_LETTER_TOPIC)));
        InfluxDbEndpoint influx = InfluxDbEndpoint.fromConfig(options, environment);
        Sink<IndicatorPoint> points = InfluxDbSink.builder(influx, IndicatorPoint::toInfluxPoint).build();
        env.setParallelism(options.get(TwinOptions.PARALLELISM));
        new IndicatorJob(plan, registry,
                new IndicatorJob.Timing(options.get(TwinOptions.MAX_OUT_OF_ORDERNESS),
                        options.get(TwinOptions.SOURCE_IDLENESS), options.get(TwinOptions.ALLOWED_LATENESS)),
                options.get(TwinOptions.RUN),
                FeedSources.kafka(bootstrap, options.get(TwinOptions.FEED_TOPIC), options.get(TwinOptions.FEED_GROUP_ID),
                        options.get(TwinOptions.FEED_STARTING_OFFSETS), types, registry, bounded),
                points, deadLetters)
                .withRetiredAfter(options.get(TwinOptions.RETIRED_AFTER))
                .withEngineSamples(InfluxDbSink.builder(influx, EngineSample::toInfluxPoint).build())
                .withAlerts(options.get(TwinOptions.ALERTS_ENABLED)
                        ? Alerting.fromOptions(options, environment, plan, influx) : null)
                .build(env);
    }
}
