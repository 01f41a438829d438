package org.citytwin.jobs.engine.source;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.metrics.EngineCounters;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;

/**
 * Passes accepted records on and sends rejected ones to the dead letters, counting both. Keyed by
 * feed partition ({@link #PARTITION}): one partition's records reach one subtask in the order
 * they were read, and each accepted record is stamped with its partition's watermark; the twin
 * decides lateness from that, not from the operator watermark, which a source subtask without
 * partitions (or a slower partition) holds back, so the decision is the same at any parallelism.
 *
 * <p>The partition watermark is keyed state, so it follows its partition through a restore at
 * another parallelism (operator list state is split evenly and can land on a subtask that does not
 * read the partition; union list state is refused by Flink once bounded source subtasks finish).
 * It is kept on the heap too and written to state only when it moves, once per second of event
 * time at most (watermarks are whole seconds), so a record costs no state access.
 */
public final class FeedSplitter extends KeyedProcessFunction<Integer, FeedRecord, FeedRecord> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** The key of the splitter: the feed partition a record was read from (one topic per job). */
    public static final KeySelector<FeedRecord, Integer> PARTITION = FeedRecord::partition;

    private final OutputTag<DeadLetter> deadLetters;
    private final EngineSampleWriter samples;
    private final String run;
    private final long maxOutOfOrdernessMs;
    /** The partition's watermark (keyed by partition): from the highest event time read so far. */
    private transient ValueState<Long> partitionWatermark;
    /** The same values, on the heap: filled from state on a partition's first record after a (re)start. */
    private transient Map<Integer, Long> watermarks;
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
        counters = EngineCounters.restore(context, "validate", run);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counters.snapshot();
    }

    @Override
    public void open(OpenContext context) {
        partitionWatermark = getRuntimeContext().getState(new ValueStateDescriptor<>("partition-watermark", Types.LONG));
        watermarks = new HashMap<>();
        counters.open(getRuntimeContext(), samples);
    }

    @Override
    public void close() throws Exception {
        if (counters != null) { // null when the task is cancelled before its state was initialized
            counters.close();
        }
    }

    @Override
    public void processElement(FeedRecord record, Context ctx, Collector<FeedRecord> out) throws Exception {
        counters.read();
        if (record.accepted()) {
            long watermark = watermarkOf(record.partition());
            out.collect(record.withPartitionWatermark(watermark));
            long after = FeedWatermarks.watermarkAfter(record.event().time(), maxOutOfOrdernessMs);
            if (after > watermark) {
                watermarks.put(record.partition(), after);
                partitionWatermark.update(after);
            }
        } else {
            counters.deadLettered(record.rejection().reason());
            ctx.output(deadLetters, record.deadLetter(record.rejection()));
        }
        counters.watermark(ctx.timerService().currentWatermark());
    }

    /** The partition's watermark before this record (the current key's). */
    private long watermarkOf(int partition) throws Exception {
        Long watermark = watermarks.get(partition);
        if (watermark == null) {
            Long restored = partitionWatermark.value();
            watermark = restored == null ? Long.MIN_VALUE : restored;
            watermarks.put(partition, watermark);
        }
        return watermark;
    }
}
