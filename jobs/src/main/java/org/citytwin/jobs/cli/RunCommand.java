package org.citytwin.jobs.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.apache.flink.runtime.client.JobCancellationException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.citytwin.jobs.alert.Alerting;
import org.citytwin.jobs.archive.FeedArchive;
import org.citytwin.jobs.config.ConfigException;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.engine.source.FeedTopics;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbDatabase;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSampleWriter;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code twin run}: the indicator engine on the feed topic, writing to InfluxDB. Runs in a local
 * Flink, or on a cluster when submitted with {@code flink run jobs/target/twin.jar run ...}.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the indicator engine: Kafka feed -> city twin -> indicators -> InfluxDB.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOptions configFile;

    @Override
    public Integer call() throws Exception {
        Configuration options;
        try {
            options = configFile.loadForRun();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        InfluxDbEndpoint influx = InfluxDbEndpoint.fromConfig(options, System.getenv());
        try {
            System.err.println("twin: " + FeedTopics.ensure(options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS),
                    options.get(TwinOptions.FEED_TOPIC), options.getOptional(TwinOptions.DEAD_LETTER_DIR).isPresent()
                            ? null : options.get(TwinOptions.DEAD_LETTER_TOPIC),
                    options.getOptional(TwinOptions.REGISTRY_TOPIC).orElse(null)));
            System.err.println("twin: " + InfluxDbDatabase.ensureExists(influx));
        } catch (IllegalStateException e) {
            System.err.println("twin: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("twin: InfluxDB not reachable at start (" + e + "); the sink retries until it is");
        }
        Configuration flink = engineEnvironment(options);
        System.err.println("twin: checkpoints in " + flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)
                + (options.getOptional(TwinOptions.CHECKPOINT_DIR).isEmpty() ? " (set checkpoint.dir to change)" : ""));
        if (!TwinCli.onFlinkCluster()) {
            localRestEndpoint(flink, options);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        boolean bounded = options.get(TwinOptions.FEED_BOUNDED);
        build(env, options, System.getenv(), bounded);
        env.registerJobListener(new JobListener() {
            @Override
            public void onJobSubmitted(JobClient client, Throwable failure) {
                if (client != null) {
                    System.err.println("twin: job " + client.getJobID() + " submitted; its checkpoints: "
                            + flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY) + "/" + client.getJobID() + "/chk-N"
                            + " (resume from the last with --set " + TwinOptions.RESTORE_FROM.key() + "=...)");
                }
            }

            @Override
            public void onJobExecuted(JobExecutionResult result, Throwable failure) {
            }
        });
        long start = System.nanoTime();
        JobExecutionResult result;
        try {
            result = env.execute("city twin indicators (" + options.get(TwinOptions.RUN) + ")");
        } catch (Exception e) {
            if (ExceptionUtils.findThrowable(e, JobCancellationException.class).isEmpty()) {
                throw e;
            }
            System.err.println("twin: the job was cancelled; its checkpoints are kept");
            return 1;
        }
        if (bounded && result.isJobExecutionResult()) { // a detached submission has no result to report
            System.out.println(summary(result, (System.nanoTime() - start) / 1e9));
        }
        return 0;
    }

    /** The closing lines of a bounded run: the engine's account of the records it read, and a feed not keyed by asset. */
    static String summary(JobExecutionResult result, double seconds) {
        long read = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_READ);
        long applied = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_APPLIED);
        long deadLettered = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_DEAD_LETTERED);
        Long offPartition = result.<Long>getAccumulatorResult(IndicatorJob.RECORDS_OFF_PARTITION);
        String summary = String.format("twin run: the feed's end reached: %,d records read, %,d applied, %,d "
                + "dead-lettered, wall %.1f s", read, applied, deadLettered, seconds);
        if (offPartition != null && offPartition > 0) {
            summary += String.format("%ntwin run: %,d records came on another feed partition than their asset's record "
                    + "before: the feed is not keyed by asset id, so points may depend on the order partitions were read "
                    + "in (docs/event-format.md)", offPartition);
        }
        return summary;
    }

    /**
     * Flink settings of the engine: RocksDB with incremental checkpoints, exactly-once, to
     * {@code checkpoint.dir} or else a local directory (never the JobManager's few megabytes of
     * memory, where the default city's checkpoints fail), kept when the job is cancelled, and the
     * savepoint or checkpoint to start from; timers on the heap (the twin registers one per asset
     * and second, which RocksDB timers make slow).
     */
    public static Configuration engineEnvironment(Configuration options) {
        Configuration flink = new Configuration();
        flink.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        flink.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, options.get(TwinOptions.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.getOptional(TwinOptions.CHECKPOINT_DIR)
                .orElseGet(() -> Path.of("twin-checkpoints").toAbsolutePath().toUri().toString()));
        // Kept when the job is cancelled or its local JVM stops, so a run can resume from its last checkpoint.
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        options.getOptional(TwinOptions.RESTORE_FROM).ifPresent(path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path));
        return flink;
    }

    /**
     * A local run's web UI and REST API on {@code rest.bind-address} (loopback by default, not every
     * interface) and a port that is printed, and its other servers on the same address; on a
     * cluster these settings are the cluster's.
     */
    public static void localRestEndpoint(Configuration flink, Configuration options) throws IOException {
        int port = options.get(TwinOptions.REST_PORT);
        if (port == 0) {
            try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName(options.get(TwinOptions.REST_BIND_ADDRESS)))) {
                port = free.getLocalPort();
            }
        }
        String address = options.get(TwinOptions.REST_BIND_ADDRESS);
        flink.set(RestOptions.BIND_ADDRESS, address);
        flink.set(RestOptions.ADDRESS, address);
        flink.set(RestOptions.BIND_PORT, Integer.toString(port));
        flink.set(RestOptions.PORT, port);
        // The JobManager's and TaskManagers' own servers (blob server, data exchange) too.
        flink.set(JobManagerOptions.BIND_HOST, address);
        flink.set(TaskManagerOptions.BIND_HOST, address);
        System.err.println("twin: Flink web UI and REST API (local run) at http://" + address + ":" + port);
    }

    /** Adds the engine, as the options describe it ({@link org.citytwin.jobs.config.TwinConfig#requireForRun} passed), to the environment. */
    public static void build(StreamExecutionEnvironment env, Configuration options, Map<String, String> environment,
            boolean bounded) {
        EngineInputs engine = EngineInputs.load(options);
        String bootstrap = options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS);
        Sink<DeadLetter> deadLetters = options.getOptional(TwinOptions.DEAD_LETTER_DIR)
                .map(dir -> DeadLetterSinks.files(Path.of(dir)))
                .orElseGet(() -> DeadLetterSinks.kafka(bootstrap, options.get(TwinOptions.DEAD_LETTER_TOPIC)));
        InfluxDbEndpoint influx = InfluxDbEndpoint.fromConfig(options, environment);
        InfluxDbSampleWriter engineSamples = new InfluxDbSampleWriter(influx);
        Sink<IndicatorPoint> points = InfluxDbSink.builder(influx, IndicatorPoint::toInfluxPoint)
                .engineSamples(engineSamples, "points", options.get(TwinOptions.RUN)).build();
        env.setParallelism(options.get(TwinOptions.PARALLELISM));
        new IndicatorJob(engine.plan(), engine.registry(), engine.timing(), options.get(TwinOptions.RUN),
                FeedSources.kafka(bootstrap, options.get(TwinOptions.FEED_TOPIC), options.get(TwinOptions.FEED_GROUP_ID),
                        options.get(TwinOptions.FEED_STARTING_OFFSETS), engine.types(), engine.registry(),
                        options.get(TwinOptions.FEED_MAX_FUTURE_SKEW), bounded),
                points, deadLetters)
                .withRetiredAfter(options.get(TwinOptions.RETIRED_AFTER))
                .withArchive(options.getOptional(TwinOptions.ARCHIVE_DIR)
                        .map(dir -> FeedArchive.sink(dir, options.get(TwinOptions.MAX_OUT_OF_ORDERNESS))).orElse(null))
                .withEngineSamples(engineSamples)
                .withAlerts(options.get(TwinOptions.ALERTS_ENABLED)
                        ? Alerting.fromOptions(options, environment, engine.plan(), influx) : null)
                .build(env);
    }
}
