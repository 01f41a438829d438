package org.citytwin.jobs.engine;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.citytwin.model.event.RejectReason;

/**
 * Passes accepted records on and sends rejected ones to the dead letters, counting both. Runs
 * right after the source, in the same subtask, so it sees each partition's records in order and
 * stamps each with its partition's watermark: the twin decides lateness from that, not from the
 * operator watermark, which a source subtask without partitions (or a slower partition) holds
 * back, so the decision is the same at any parallelism.
 */
final class FeedSplitter extends ProcessFunction<FeedRecord, FeedRecord> {

    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final OutputTag<EngineSample> samples;
    private final String run;
    private final long maxOutOfOrdernessMs;
    /** Highest event time per partition of the feed topic (one topic per job). */
    private transient Map<Integer, Long> maxTimeByPartition;
    private transient EngineCounters counters;
    private transient Counter accepted;
    private transient LongCounter read;
    private transient LongCounter deadLettered;
    private transient Map<RejectReason, Counter> rejected;

    FeedSplitter(OutputTag<DeadLetter> deadLetters, OutputTag<EngineSample> samples, String run,
            long maxOutOfOrdernessMs) {
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
        this.deadLetters = deadLetters;
        this.samples = samples;
        this.run = run;
    }

    @Override
    public void open(OpenContext context) {
        maxTimeByPartition = new java.util.HashMap<>();
        counters = new EngineCounters("validate", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), run);
        accepted = getRuntimeContext().getMetricGroup().counter("eventsAccepted");
        read = getRuntimeContext().getLongCounter(IndicatorJob.RECORDS_READ);
        deadLettered = getRuntimeContext().getLongCounter(IndicatorJob.RECORDS_DEAD_LETTERED);
        rejected = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, getRuntimeContext().getMetricGroup().addGroup("reason", reason.name())
                    .counter("deadLetters"));
        }
    }

    @Override
    public void processElement(FeedRecord record, Context ctx, Collector<FeedRecord> out) {
        read.add(1);
        if (record.accepted()) {
            accepted.inc();
            counters.count("records_accepted", "");
            long maxTime = maxTimeByPartition.getOrDefault(record.partition(), Long.MIN_VALUE);
            out.collect(record.withPartitionWatermark(FeedWatermarks.watermarkAfter(maxTime, maxOutOfOrdernessMs)));
            if (record.event().time() > maxTime) {
                maxTimeByPartition.put(record.partition(), record.event().time());
            }
        } else {
            rejected.get(record.rejection().reason()).inc();
            deadLettered.add(1);
            counters.count("dead_letters", record.rejection().reason().name());
            ctx.output(deadLetters, record.deadLetter(record.rejection()));
        }
        counters.flushIfDue(ctx.timerService().currentWatermark(), sample -> ctx.output(samples, sample));
    }
}
