package org.citytwin.jobs.engine.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.metrics.EngineCounters;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;

/**
 * Passes accepted records on and sends rejected ones to the dead letters, counting both. Runs
 * right after the source, in the same subtask, so it sees each partition's records in order and
 * stamps each with its partition's watermark: the twin decides lateness from that, not from the
 * operator watermark, which a source subtask without partitions (or a slower partition) holds
 * back, so the decision is the same at any parallelism. The highest time per partition is part of
 * checkpoints, so a restart at the same parallelism continues with the same watermarks instead of
 * starting from none. (Union state would follow partitions across a rescale, but Flink does not
 * allow it once some subtasks of a bounded source have finished.)
 */
public final class FeedSplitter extends ProcessFunction<FeedRecord, FeedRecord> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final EngineSampleWriter samples;
    private final String run;
    private final long maxOutOfOrdernessMs;
    /** Highest event time per partition of the feed topic (one topic per job). */
    private transient Map<Integer, Long> maxTimeByPartition;
    private transient ListState<Tuple2<Integer, Long>> checkpointedMaxTimes;
    private transient EngineCounters counters;

    public FeedSplitter(OutputTag<DeadLetter> deadLetters, EngineSampleWriter samples, String run,
            long maxOutOfOrdernessMs) {
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
        this.deadLetters = deadLetters;
        this.samples = samples;
        this.run = run;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointedMaxTimes = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(
                "partition-max-times", Types.TUPLE(Types.INT, Types.LONG)));
        maxTimeByPartition = new HashMap<>();
        for (Tuple2<Integer, Long> entry : checkpointedMaxTimes.get()) {
            maxTimeByPartition.merge(entry.f0, entry.f1, Math::max);
        }
        counters = EngineCounters.restore(context, "validate", run);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<Integer, Long>> entries = new ArrayList<>();
        maxTimeByPartition.forEach((partition, time) -> entries.add(Tuple2.of(partition, time)));
        checkpointedMaxTimes.update(entries);
        counters.snapshot();
    }

    @Override
    public void open(OpenContext context) {
        counters.open(getRuntimeContext(), samples);
    }

    @Override
    public void close() throws Exception {
        if (counters != null) { // null when the task is cancelled before its state was initialized
            counters.close();
        }
    }

    @Override
    public void processElement(FeedRecord record, Context ctx, Collector<FeedRecord> out) {
        counters.read();
        if (record.accepted()) {
            long maxTime = maxTimeByPartition.getOrDefault(record.partition(), Long.MIN_VALUE);
            out.collect(record.withPartitionWatermark(FeedWatermarks.watermarkAfter(maxTime, maxOutOfOrdernessMs)));
            if (record.event().time() > maxTime) {
                maxTimeByPartition.put(record.partition(), record.event().time());
            }
        } else {
            counters.deadLettered(record.rejection().reason());
            ctx.output(deadLetters, record.deadLetter(record.rejection()));
        }
        counters.watermark(ctx.timerService().currentWatermark());
    }
}
