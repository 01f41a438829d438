package org.citytwin.jobs.engine;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.alert.Alerting;
import org.citytwin.jobs.engine.area.AreaFunction;
import org.citytwin.jobs.engine.area.AreaOperator;
import org.citytwin.jobs.engine.area.AreaPreAggregation;
import org.citytwin.jobs.engine.area.AreaStateSerializers;
import org.citytwin.jobs.engine.area.GaugePartial;
import org.citytwin.jobs.engine.area.WindowPartial;
import org.citytwin.jobs.engine.metrics.CheckpointTiming;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.jobs.engine.source.FeedRecordSerializer;
import org.citytwin.jobs.engine.source.FeedSource;
import org.citytwin.jobs.engine.source.FeedSplitter;
import org.citytwin.jobs.engine.source.FeedWatermarks;
import org.citytwin.jobs.engine.twin.Contribution;
import org.citytwin.jobs.engine.twin.TwinOperator;
import org.citytwin.model.plan.EvaluationPlan;

/**
 * The indicator engine: feed → validate → asset twins (keyed by asset) → area accumulators
 * (keyed by area) → indicator points; every rejected record → dead letters. Receives its source
 * and sinks, so the same pipeline runs on Kafka and InfluxDB in production and in tests.
 */
public final class IndicatorJob {

    /** Accumulators of a run (in {@code JobExecutionResult}): read = applied + dead-lettered. */
    public static final String RECORDS_READ = "records-read";
    public static final String RECORDS_APPLIED = "records-applied";
    public static final String RECORDS_DEAD_LETTERED = "records-dead-lettered";
    /** Records of an asset read on another feed partition than its record before: the feed is not keyed by asset. */
    public static final String RECORDS_OFF_PARTITION = "records-off-partition";

    private final EvaluationPlan plan;
    private final RegistryRef registry;
    private final Timing timing;
    private final String run;
    private final FeedSource<?, ?> feed;
    private final Sink<IndicatorPoint> points;
    private final Sink<DeadLetter> deadLetters;
    private EngineSampleWriter engineSamples;
    private Duration retiredAfter = Duration.ofDays(30);
    private Alerting alerting;
    private Sink<FeedRecord> archive;

    /** Event-time settings of the engine. */
    public record Timing(Duration maxOutOfOrderness, Duration idleness, Duration allowedLateness) {}

    public IndicatorJob(EvaluationPlan plan, RegistryRef registry, Timing timing, String run,
            FeedSource<?, ?> feed, Sink<IndicatorPoint> points, Sink<DeadLetter> deadLetters) {
        this.plan = plan;
        this.registry = registry;
        this.timing = timing;
        this.run = run;
        this.feed = feed;
        this.points = points;
        this.deadLetters = deadLetters;
    }

    /**
     * Also writes the engine's self-metrics (records read, applied, dead-lettered per reason, points
     * written, watermark lag, checkpoint durations).
     */
    public IndicatorJob withEngineSamples(EngineSampleWriter writer) {
        this.engineSamples = writer;
        return this;
    }

    /** Also evaluates the catalog's alert thresholds on the points and sends the transitions to the alert sinks. */
    public IndicatorJob withAlerts(Alerting alerts) {
        this.alerting = alerts;
        return this;
    }

    /** Also writes every accepted feed record to this sink (the feed archive that replays read). */
    public IndicatorJob withArchive(Sink<FeedRecord> archiveSink) {
        this.archive = archiveSink;
        return this;
    }

    /** Twins of assets that send nothing for this long (processing time) are dropped from state. */
    public IndicatorJob withRetiredAfter(Duration silence) {
        this.retiredAfter = silence;
        return this;
    }

    /**
     * How much of the pipeline {@link #buildUpTo} adds, for {@code twin bench --stages}: the feed
     * validated and sent to the twins' subtasks; also the twins; also the area pre-aggregation
     * chained to them (what the last stage adds is discarded); everything.
     */
    public enum Stage { FEED_TO_TWINS, TWINS, PRE_AGGREGATION, ALL }

    /** Adds the pipeline to the environment; {@code env.execute()} runs it. */
    public void build(StreamExecutionEnvironment env) {
        buildUpTo(env, Stage.ALL);
    }

    /** Adds the pipeline up to {@code stage} (what comes after it discarded) to the environment. */
    public void buildUpTo(StreamExecutionEnvironment env, Stage stage) {
        // Every operator emits new objects and keeps none it has emitted, so chained operators may
        // pass records on without a defensive copy.
        env.getConfig().enableObjectReuse();
        // No type falls back to Kryo: each on an edge or in state is a Flink POJO or has a serializer
        // of its own (docs/architecture.md, "Serializers"); one that is neither fails the job when it
        // is built or started, instead of running slow and without a versioned snapshot.
        env.configure(new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
        OutputTag<DeadLetter> rejected = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
        long lateness = timing.allowedLateness().toMillis();

        SingleOutputStreamOperator<FeedRecord> accepted = env
                .fromSource(feed.stamped(timing.maxOutOfOrderness().toMillis()),
                        FeedWatermarks.strategy(timing.maxOutOfOrderness(), timing.idleness()), "city feed",
                        FeedRecordSerializer.TYPE)
                .uid("feed-source")
                .process(new FeedSplitter(rejected, engineSamples, run))
                .returns(FeedRecordSerializer.TYPE).name("validate").uid("validate");

        if (archive != null) {
            accepted.sinkTo(archive).name("feed archive").uid("archive-sink");
        }

        if (stage == Stage.FEED_TO_TWINS) {
            accepted.keyBy(record -> record.event().assetId()).sinkTo(new DiscardingSink<>()).name("twins' input");
            return;
        }
        SingleOutputStreamOperator<Contribution> contributions = accepted
                .keyBy(record -> record.event().assetId())
                .transform("asset twins", Contribution.TYPE,
                        new TwinOperator(plan, registry, lateness, retiredAfter, rejected, engineSamples, run))
                .uid("twins");
        if (stage == Stage.TWINS) {
            contributions.sinkTo(new DiscardingSink<>()).name("twins' output");
            return;
        }

        SingleOutputStreamOperator<GaugePartial> gaugePartials = contributions
                .transform("area pre-aggregation", AreaStateSerializers.GAUGE_PARTIALS, new AreaPreAggregation(plan, registry, lateness))
                .uid("area-partials");
        if (stage == Stage.PRE_AGGREGATION) {
            gaugePartials.sinkTo(new DiscardingSink<>()).name("gauge partials");
            gaugePartials.getSideOutput(AreaPreAggregation.WINDOWS).sinkTo(new DiscardingSink<>()).name("window partials");
            return;
        }
        DataStream<WindowPartial> windowPartials = gaugePartials.getSideOutput(AreaPreAggregation.WINDOWS);

        SingleOutputStreamOperator<IndicatorPoint> indicatorPoints = gaugePartials
                .keyBy(partial -> partial.area)
                .connect(windowPartials.keyBy(partial -> partial.area))
                .transform("area indicators", TypeInformation.of(IndicatorPoint.class),
                        new AreaOperator(new AreaFunction(plan, lateness, run, engineSamples)))
                .uid("areas");

        DataStream<IndicatorPoint> toSink = engineSamples == null ? indicatorPoints : indicatorPoints
                .map(new CheckpointTiming<IndicatorPoint>(engineSamples, run)).returns(indicatorPoints.getType())
                .name("checkpoint timing").uid("checkpoint-timing");
        toSink.sinkTo(points).name("indicator points").uid("points-sink");
        if (alerting != null) {
            alerting.attach(indicatorPoints, plan, lateness, run);
        }

        DataStream<DeadLetter> allRejected = accepted.getSideOutput(rejected)
                .union(contributions.getSideOutput(rejected));
        allRejected.sinkTo(deadLetters).name("dead letters").uid("dead-letters-sink");
    }
}
