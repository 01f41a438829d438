package org.citytwin.jobs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.citytwin.jobs.alert.Alerting;
import org.citytwin.jobs.archive.ArchiveFiles;
import org.citytwin.jobs.archive.ArchiveSource;
import org.citytwin.jobs.archive.ArchiveSplit;
import org.citytwin.jobs.config.ConfigException;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.source.FeedDeserializer;
import org.citytwin.jobs.engine.source.FeedSource;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.engine.source.FeedTopics;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.replay.IndicatorGlob;
import org.citytwin.jobs.replay.Pacer;
import org.citytwin.jobs.replay.ReplayDeserializer;
import org.citytwin.jobs.replay.ReplayProgress;
import org.citytwin.jobs.replay.ReplayRange;
import org.citytwin.jobs.replay.ScenarioFeed;
import org.citytwin.jobs.replay.TopicPartitions;
import org.citytwin.jobs.replay.SelectedPoints;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbDatabase;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSampleWriter;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioException;
import org.citytwin.model.scenario.ScenarioLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code twin replay}: the engine over a past period of the feed (Kafka by timestamp, or the
 * archive), bounded, into a drill run, paced at N× real time; with {@code --indicators}, a
 * backfill that writes only those indicators' points. See docs/replay.md.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay a past period of the feed through the engine into a drill run (or backfill indicators).")
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOptions configFile;

    @Option(names = "--from", required = true, paramLabel = "T1", description = "Start of the period (ISO-8601 instant, included).")
    Instant from;

    @Option(names = "--to", required = true, paramLabel = "T2", description = "End of the period (ISO-8601 instant, excluded).")
    Instant to;

    @Option(names = "--source", arity = "1..2", paramLabel = "kafka|archive DIR", hideParamSyntax = true,
            description = "Where the period is read: the feed topic (default), or the archive directory (archive.dir).")
    List<String> source = new ArrayList<>(List.of("kafka"));

    @Option(names = "--speed", defaultValue = "max", paramLabel = "N|max",
            description = "Event time at N× the wall clock (1, 10, 60, ...); max: as fast as it goes (default).")
    String speed;

    @Option(names = "--run", defaultValue = "drill", paramLabel = "DRILL_ID", description = "Value of the points' run tag (default: drill).")
    String run;

    @Option(names = "--indicators", paramLabel = "GLOB",
            description = "Write only these indicators' points (comma-separated globs, e.g. ws_*); needed with --run live.")
    String indicators;

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Add this scenario's synthetic readings and events on top of the replayed history (docs/replay.md, Scenario overlays).")
    Path scenario;

    @Override
    public Integer call() throws Exception {
        String invalid = invalidArguments();
        if (invalid != null) {
            System.err.println("twin replay: " + invalid);
            return 2;
        }
        Configuration options;
        try {
            options = configFile.loadForRun(source.get(0).equals("kafka"));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ReplayRange range = new ReplayRange(from.toEpochMilli(), to.toEpochMilli());
        EngineInputs engine = EngineInputs.load(options);
        IndicatorGlob selected = indicators == null ? null : new IndicatorGlob(indicators);
        if (selected != null && !anyMatches(engine, selected)) {
            System.err.println("twin replay: --indicators " + indicators + " matches no indicator of the catalog");
            return 2;
        }
        boolean backfill = run.equals("live");
        ScenarioFeed overlay = null;
        long overlayRecords = 0;
        if (scenario != null) {
            try {
                Scenario loaded = new ScenarioLoader(engine.types(), engine.topology()).load(scenario);
                String outside = loaded.outsidePeriod(range.from(), range.to());
                if (outside != null) {
                    System.err.println("twin replay: " + outside);
                    return 2;
                }
                int partitions = source.get(0).equals("kafka") ? TopicPartitions.of(
                        options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS), options.get(TwinOptions.FEED_TOPIC))
                        : archiveFiles(source.get(1), range, engine.timing()).stream().mapToInt(ArchiveSplit::partition)
                                .max().orElse(0) + 1;
                overlay = new ScenarioFeed(loaded, engine.types(), engine.topology(), engine.registry().resolve(), range,
                        partitions);
                overlayRecords = overlay.records().size();
                System.err.printf("twin: scenario '%s' (%s): %,d overlay records%n", loaded.id(), scenario, overlayRecords);
            } catch (ScenarioException e) {
                System.err.println(e.getMessage());
                return 2;
            } catch (UncheckedIOException e) {
                System.err.println("twin replay: cannot read the scenario " + scenario + ": " + e.getCause());
                return 2;
            } catch (IllegalStateException e) {
                System.err.println("twin replay: " + e.getMessage());
                return 2;
            }
        }
        ReplayDeserializer deserializer = new ReplayDeserializer(new FeedDeserializer(engine.types(), engine.registry(),
                options.get(TwinOptions.FEED_MAX_FUTURE_SKEW)), range, new Pacer(pace()), overlay);
        Feed feed;
        try {
            feed = source.get(0).equals("kafka") ? kafkaFeed(options, engine, range, deserializer)
                    : archiveFeed(source.get(1), engine, range, deserializer);
        } catch (IllegalStateException e) {
            System.err.println("twin replay: " + e.getMessage());
            return 2;
        }
        InfluxDbEndpoint influx = InfluxDbEndpoint.fromConfig(options, System.getenv());
        try {
            System.err.println("twin: " + InfluxDbDatabase.ensureExists(influx));
        } catch (IOException e) {
            System.err.println("twin: InfluxDB not reachable at start (" + e + "); the sink retries until it is");
        }
        Path deadLetters = Path.of(options.getOptional(TwinOptions.DEAD_LETTER_DIR).orElse("twin-replay-dead-letters"))
                .resolve(run).toAbsolutePath();

        Configuration flink = RunCommand.engineEnvironment(options);
        flink.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1)); // fresher progress (accumulators)
        if (!TwinCli.onFlinkCluster()) {
            RunCommand.localRestEndpoint(flink, options);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(options.get(TwinOptions.PARALLELISM));
        // A backfill's engine samples and alerts would mix with the live run's.
        InfluxDbSampleWriter engineSamples = backfill ? null : new InfluxDbSampleWriter(influx);
        InfluxDbSink.Builder<IndicatorPoint> sink = InfluxDbSink.builder(influx, IndicatorPoint::toInfluxPoint);
        if (engineSamples != null) {
            sink.engineSamples(engineSamples, "points", run);
        }
        IndicatorJob job = new IndicatorJob(engine.plan(), engine.registry(), engine.timing(), run, feed.source(),
                new SelectedPoints(sink.build(), selected),
                DeadLetterSinks.files(deadLetters))
                .withRetiredAfter(options.get(TwinOptions.RETIRED_AFTER));
        if (engineSamples != null) {
            job.withEngineSamples(engineSamples)
                    .withAlerts(options.get(TwinOptions.ALERTS_ENABLED)
                            ? Alerting.fromOptions(options, System.getenv(), engine.plan(), influx) : null);
        }
        job.build(env);

        System.err.println("twin: replaying " + feed.origin() + " from " + from + " to " + to + " into run '" + run + "'"
                + (selected == null ? "" : ", indicators " + selected) + " at " + (pace() == 0 ? "max speed" : speed + "×"));
        long start = System.nanoTime();
        JobClient client = env.executeAsync("city twin replay (" + run + ")");
        JobExecutionResult result = awaitWithProgress(client, new ReplayProgress(range, start), System.err);
        double seconds = (System.nanoTime() - start) / 1e9;
        long records = result.getAccumulatorResult(IndicatorJob.RECORDS_READ);
        long deadLettered = result.getAccumulatorResult(IndicatorJob.RECORDS_DEAD_LETTERED);
        Long points = result.getAccumulatorResult(SelectedPoints.POINTS_WRITTEN);
        System.out.printf("replay '%s' %s - %s: %,d records%s, %,d points written (corrections included), %,d dead letters (%s), wall %.1f s, %.1f× real time%n",
                run, from, to, records, overlay == null ? "" : String.format(" (%,d of them overlay records added by scenario '%s')",
                        overlayRecords, overlay.name()),
                points == null ? 0 : points, deadLettered, deadLetters, seconds, range.millis() / 1000.0 / seconds);
        return 0;
    }

    /** Where the replay reads, and how the summary names it. */
    private record Feed(FeedSource<?, ?> source, String origin) {}

    /** The feed topic from the offsets of T1's timestamp to those of T2 + out-of-orderness + lateness. */
    private Feed kafkaFeed(Configuration options, EngineInputs engine, ReplayRange range,
            ReplayDeserializer deserializer) throws InterruptedException {
        String bootstrap = options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS);
        String topic = options.get(TwinOptions.FEED_TOPIC);
        System.err.println("twin: " + FeedTopics.ensure(bootstrap, topic, null,
                options.getOptional(TwinOptions.REGISTRY_TOPIC).orElse(null)));
        IndicatorJob.Timing timing = engine.timing();
        return new Feed(FeedSources.kafka(bootstrap, topic, "twin-replay-" + run,
                OffsetsInitializer.timestamp(range.from()),
                OffsetsInitializer.timestamp(range.to() + timing.maxOutOfOrderness().toMillis()
                        + timing.allowedLateness().toMillis()), deserializer), "Kafka topic " + topic);
    }

    /** The archive's partitions, each with its files that can hold the period, in written order. */
    private static Feed archiveFeed(String dir, EngineInputs engine, ReplayRange range, ReplayDeserializer deserializer)
            throws IOException {
        List<ArchiveSplit> partitions = archiveFiles(dir, range, engine.timing());
        if (partitions.isEmpty()) {
            throw new IllegalStateException("no archive files for " + Instant.ofEpochMilli(range.from()) + " - "
                    + Instant.ofEpochMilli(range.to()) + " under " + dir
                    + " (its hour directories yyyy-MM-dd/HH/partition-N hold none)");
        }
        int files = partitions.stream().mapToInt(p -> p.files().size()).sum();
        return new Feed(new FeedSource<>(new ArchiveSource(deserializer, partitions), ArchiveSplit::partition),
                "archive " + dir + " (" + partitions.size() + " partitions, " + files + " files)");
    }

    /** The arguments' own problem (before any file or service is touched), or null. */
    private String invalidArguments() {
        if (run.equals("live") && indicators == null) {
            return "--run live writes into the live series: give --indicators GLOB to backfill only those indicators";
        }
        if (!to.isAfter(from)) {
            return "--to " + to + " must be after --from " + from;
        }
        if (!source.get(0).equals("kafka") && !(source.get(0).equals("archive") && source.size() == 2)
                || source.get(0).equals("kafka") && source.size() != 1) {
            return "--source takes kafka or archive DIR, not " + String.join(" ", source);
        }
        try {
            if (pace() < 0) {
                return "--speed takes a positive number or max, not " + speed;
            }
        } catch (NumberFormatException e) {
            return "--speed takes a positive number or max, not " + speed;
        }
        return null;
    }

    /** × real time; 0 for max. */
    private double pace() {
        if (speed.equals("max")) {
            return 0;
        }
        double n = Double.parseDouble(speed);
        return n > 0 ? n : -1;
    }

    private static boolean anyMatches(EngineInputs engine, IndicatorGlob selected) {
        for (int slot = 0; slot < engine.plan().size(); slot++) {
            if (selected.matches(engine.plan().slot(slot).id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hours that can hold the period's records: the archive files a record by its partition's
     * clock, so records up to an hour ahead of it sit in the hour before {@code --from}, and
     * records late by up to the allowed lateness in the hours after {@code --to}.
     */
    private static List<ArchiveSplit> archiveFiles(String dir, ReplayRange range, IndicatorJob.Timing timing)
            throws IOException {
        return ArchiveFiles.between(dir, range.from() - 3_600_000,
                range.to() + timing.maxOutOfOrderness().toMillis() + timing.allowedLateness().toMillis());
    }

    /** Waits for the job, printing the progress line on {@code err} (in place on a terminal, else every 10 s). */
    private static JobExecutionResult awaitWithProgress(JobClient client, ReplayProgress progress, PrintStream err)
            throws Exception {
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        boolean terminal = System.console() != null;
        long every = terminal ? 1 : 10;
        while (true) {
            try {
                JobExecutionResult done = result.get(every, TimeUnit.SECONDS);
                if (terminal) {
                    err.println();
                }
                return done;
            } catch (TimeoutException stillRunning) {
                Map<String, Object> accumulators;
                try {
                    accumulators = client.getAccumulators().get(5, TimeUnit.SECONDS);
                } catch (Exception notYet) {
                    continue;
                }
                String line = "twin replay: " + progress.line(accumulators, System.nanoTime());
                err.print(terminal ? "\r" + line + "   " : line + "\n");
                err.flush();
            }
        }
    }
}
