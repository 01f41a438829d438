package org.citytwin.jobs.engine.source;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.metrics.EngineCounters;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;

/**
 * Passes accepted records on and sends rejected ones to the dead letters, counting both. Chained
 * to the feed's source: the records arrive stamped with their partition's watermark
 * ({@link StampingReader}).
 */
public final class FeedSplitter extends ProcessFunction<FeedRecord, FeedRecord> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    private final OutputTag<DeadLetter> deadLetters;
    private final EngineSampleWriter samples;
    private final String run;
    private transient EngineCounters counters;

    public FeedSplitter(OutputTag<DeadLetter> deadLetters, EngineSampleWriter samples, String run) {
        this.deadLetters = deadLetters;
        this.samples = samples;
        this.run = run;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counters = EngineCounters.restore(context, "validate", run);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
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
            out.collect(record);
        } else {
            counters.deadLettered(record.rejection().reason());
            ctx.output(deadLetters, record.deadLetter(record.rejection()));
        }
        counters.watermark(ctx.timerService().currentWatermark());
    }
}
