package org.citytwin.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.cli.RunCommand;
import org.citytwin.jobs.cli.ToolCommand;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.FeedWriter;
import org.citytwin.model.topology.CityTopology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code twin bench}: the engine's throughput on this machine. Feeds a simulated city into an
 * embedded Kafka once, then alternates two bounded jobs over it several times: the baseline (read
 * and parse the feed only) and the whole engine (twins, areas, all indicators; sinks discard).
 * Reports medians and the engine/baseline ratio, which stays meaningful on a busy machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the engine's records/s against a parse-only baseline (medians of --runs).")
public final class BenchCommand implements ToolCommand {

    @Option(names = "--scale", defaultValue = "0.2", description = "City size (1.0 ≈ 55k assets; default: ${DEFAULT-VALUE}).")
    double scale;

    @Option(names = "--hours", defaultValue = "1", description = "Simulated hours of feed (default: ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--runs", defaultValue = "3", description = "Measured runs of each job (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "Runs of each job before the measured ones, "
            + "reported but not in the medians: on 2 cores the engine reaches its steady rate in the fourth run of a "
            + "JVM, the JIT still compiling before (BENCHMARKS.md; default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--stages", description = "Also run the engine cut after each stage in every run — the feed sent to "
            + "the twins' subtasks, the twins, the area pre-aggregation, what the stage emits discarded — and report "
            + "where a record's time goes.")
    boolean stages;

    /** An engine cut after a stage, as a run's line and the summary name it. */
    private record Cut(IndicatorJob.Stage stage, String inRun, String inSummary) {}

    private static final List<Cut> CUTS = List.of(
            new Cut(IndicatorJob.Stage.FEED_TO_TWINS, "to the twins", "to the twins' subtasks"),
            new Cut(IndicatorJob.Stage.TWINS, "twins", "twins"),
            new Cut(IndicatorJob.Stage.PRE_AGGREGATION, "pre-aggregation", "area pre-aggregation"));

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    @Option(names = "--partitions", defaultValue = "4")
    int partitions;

    @Option(names = "--jfr", description = "Record a Java Flight Recorder profile of the last engine run to this file "
            + "(open with `jfr print` or JDK Mission Control).")
    java.nio.file.Path jfr;

    @Option(names = "--influx-points", defaultValue = "0", description = "Also measure the InfluxDB sink alone: "
            + "write this many indicator points per run into a real influxd and report points/s (default: off).")
    long influxPoints;

    @Option(names = "--state-backend", defaultValue = "rocksdb",
            description = "rocksdb (as `twin run`, with its checkpoints) or hashmap (default: ${DEFAULT-VALUE}).")
    String stateBackend;

    @Override
    public Integer call() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, topology);
        CitySimulator sim = new CitySimulator(types, topology, CitySimulator.options().seed(1).scale(scale)
                .badShare(0.01).duration(Duration.ofHours(hours).toMillis()));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("bench-feed", partitions);
            long records;
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                records = FeedWriter.run(sim, FeedWriter.Pace.FAST, r -> producer.send(new ProducerRecord<>(
                        "bench-feed", r.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), r.json())),
                        n -> System.err.printf("\rfeeding Kafka: %,d records", n));
                producer.flush();
            }
            System.err.println();
            System.out.printf("feed: %,d records, %,d assets, %d indicators, %d partitions, parallelism %d, "
                    + "state backend %s%n", records, sim.registry().size(), plan.size(), partitions, parallelism,
                    stateBackend);
            List<Double> baseline = new ArrayList<>();
            List<Double> engine = new ArrayList<>();
            List<Cut> cuts = stages ? CUTS : List.of();
            Map<IndicatorJob.Stage, List<Double>> cutRates = new EnumMap<>(IndicatorJob.Stage.class);
            // JFR instruments the JDK's I/O classes when its first recording starts, which throws away
            // their compiled code: started before the runs, the profiled run meets the JIT settled.
            jdk.jfr.Recording priming = jfr != null ? startProfile() : null;
            for (int run = 1 - warmup; run <= runs; run++) {
                double b = records / seconds(baselineJob(kafka, types, sim));
                StringBuilder stageRates = new StringBuilder();
                for (Cut cut : cuts) {
                    double rate = records / seconds(engineJob(kafka, types, sim, plan, cut.stage()));
                    stageRates.append(String.format(", %s %,.0f", cut.inRun(), rate));
                    if (run >= 1) {
                        cutRates.computeIfAbsent(cut.stage(), s -> new ArrayList<>()).add(rate);
                    }
                }
                jdk.jfr.Recording profile = run == runs && jfr != null ? startProfile() : null;
                double e = records / seconds(engineJob(kafka, types, sim, plan, IndicatorJob.Stage.ALL));
                if (profile != null) {
                    profile.dump(jfr);
                    profile.close();
                    System.out.printf("profile of the last engine run: %s%n", jfr);
                }
                String rates = String.format("baseline %,.0f%s, engine %,.0f records/s", b, stageRates, e);
                if (run < 1) {
                    System.out.printf("warm-up %d/%d: %s%n", run + warmup, warmup, rates);
                } else {
                    baseline.add(b);
                    engine.add(e);
                    System.out.printf("run %d/%d: %s%n", run, runs, rates);
                }
            }
            if (priming != null) {
                priming.close();
            }
            double b = median(baseline);
            double e = median(engine);
            System.out.printf("median of %d runs after %d warm-up: baseline (read + parse) %,.0f records/s, "
                    + "engine %,.0f records/s, engine/baseline %.2f%n", runs, warmup, b, e, e / b);
            if (stages) {
                StringBuilder line = new StringBuilder(String.format("stages (medians; µs of the job's time per record, "
                        + "on %d subtasks): read + parse %,.0f records/s (%.2f µs)", parallelism, b, 1e6 / b));
                double before = b;
                for (Cut cut : cuts) {
                    double rate = median(cutRates.get(cut.stage()));
                    line.append(String.format(", + %s %,.0f (+%.2f)", cut.inSummary(), rate, 1e6 / rate - 1e6 / before));
                    before = rate;
                }
                System.out.println(line.append(String.format(", + areas = engine %,.0f (+%.2f)", e, 1e6 / e - 1e6 / before)));
            }
        }
        if (influxPoints > 0) {
            benchInfluxSink(plan, topology);
        }
        return 0;
    }

    /**
     * The InfluxDB sink on its own, as the engine uses it (gzip line protocol, batches of 5,000, one
     * request in flight per writer, {@code --parallelism} writers), into a real influxd: distinct
     * points (indicator × street × minute), counted back after each run.
     */
    private void benchInfluxSink(EvaluationPlan plan, CityTopology topology) throws Exception {
        String[] streets = topology.streets().stream().map(org.citytwin.model.topology.Area::code).toArray(String[]::new);
        String[] ids = new String[plan.size()];
        String[] categories = new String[plan.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = plan.slot(i).id();
            categories[i] = plan.slot(i).category();
        }
        long n = influxPoints;
        List<Double> rates = new ArrayList<>();
        try (org.citytwin.embedded.EmbeddedInfluxDb influx = org.citytwin.embedded.EmbeddedInfluxDb.start()) {
            for (int run = 1; run <= runs; run++) {
                String database = "bench" + run;
                influx.createDatabase(database);
                StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
                env.setParallelism(parallelism);
                env.fromSequence(0, n - 1).map(i -> {
                    int slot = (int) (i % ids.length);
                    long rest = i / ids.length;
                    return new org.citytwin.jobs.engine.IndicatorPoint(ids[slot], categories[slot],
                            streets[(int) (rest % streets.length)], "street", "bench",
                            1_751_328_000_000L + 60_000L * (rest / streets.length), (i % 1000) / 10.0);
                }).returns(org.citytwin.jobs.engine.IndicatorPoint.class)
                        .sinkTo(org.citytwin.jobs.sink.influx.InfluxDbSink.builder(
                                org.citytwin.jobs.sink.influx.InfluxDbEndpoint.v1(influx.url(), database, null, null, null),
                                org.citytwin.jobs.engine.IndicatorPoint::toInfluxPoint).build());
                double seconds = seconds(env.execute("bench InfluxDB sink"));
                Object stored = influx.query(database, "SELECT count(\"value\") FROM \"indicator\"").get(0).get("count");
                if (((Number) stored).longValue() != n) {
                    throw new IllegalStateException("InfluxDB holds " + stored + " points of the " + n + " written");
                }
                rates.add(n / seconds);
                System.out.printf("InfluxDB sink run %d/%d: %,d points in %.1f s, %,.0f points/s (all %,d counted back)%n",
                        run, runs, n, seconds, n / seconds, n);
            }
        }
        System.out.printf("median: InfluxDB sink %,.0f points/s%n", median(rates));
    }

    /** JFR with the JDK's "default" settings (about 1 % overhead) and method samples every 10 ms. */
    private static jdk.jfr.Recording startProfile() throws Exception {
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("default"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        return recording;
    }

    private JobExecutionResult baselineJob(EmbeddedKafka kafka, AssetTypes types, CitySimulator sim) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromSource(source(kafka, types, sim).source(), WatermarkStrategy.noWatermarks(), "feed").sinkTo(new DiscardingSink<>());
        return env.execute("bench baseline");
    }

    private JobExecutionResult engineJob(EmbeddedKafka kafka, AssetTypes types, CitySimulator sim, EvaluationPlan plan,
            IndicatorJob.Stage stage) throws Exception {
        org.apache.flink.configuration.Configuration options = new org.apache.flink.configuration.Configuration();
        options.set(org.citytwin.jobs.config.TwinOptions.CHECKPOINT_DIR,
                java.nio.file.Files.createTempDirectory("twin-bench-checkpoints-").toUri().toString());
        org.apache.flink.configuration.Configuration config = RunCommand.engineEnvironment(options);
        config.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, stateBackend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(parallelism);
        new IndicatorJob(plan, RegistryRef.of(sim.registry()),
                new IndicatorJob.Timing(Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5)), "bench",
                source(kafka, types, sim), new DiscardingSink<>(), new DiscardingSink<>())
                .buildUpTo(env, stage);
        return env.execute("bench engine" + (stage == IndicatorJob.Stage.ALL ? "" : " up to " + stage));
    }

    private static org.citytwin.jobs.engine.source.FeedSource<?, ?> source(
            EmbeddedKafka kafka, AssetTypes types, CitySimulator sim) {
        return FeedSources.kafka(kafka.bootstrapServers(), "bench-feed", "bench-" + UUID.randomUUID(), "earliest",
                types, RegistryRef.of(sim.registry()), org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, true);
    }

    private static double seconds(JobExecutionResult result) {
        return result.getNetRuntime() / 1000.0;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
