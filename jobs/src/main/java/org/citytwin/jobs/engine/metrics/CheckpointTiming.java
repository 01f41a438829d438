package org.citytwin.jobs.engine.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes its stream through unchanged and writes, for every checkpoint it is told has completed, its
 * end-to-end duration as subtask 0 sees it ({@code checkpoint_duration_ms}): the time of the
 * completion notice minus the checkpoint's trigger time on the JobManager
 * ({@link FunctionSnapshotContext#getCheckpointTimestamp()}). So the job records it itself, on any
 * cluster, without a metric reporter; the JobManager's own figure (Flink's {@code
 * lastCheckpointDuration}) ends at the last acknowledgement and is shorter by the notice's trip.
 * Chained in front of the points sink, it costs one call per point.
 */
public final class CheckpointTiming<T> extends RichMapFunction<T, T> implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;
    /** Durations kept while InfluxDB cannot be reached (about an hour of one-per-10-s checkpoints). */
    private static final int MAX_PENDING = 400;

    private final EngineSampleWriter writer;
    private final String run;
    /** Trigger time of each checkpoint snapshotted and not yet completed or aborted, by id. */
    private transient TreeMap<Long, Long> triggered;
    private transient Deque<EngineSample> pending;
    private transient EngineSampler sampler;

    public CheckpointTiming(EngineSampleWriter writer, String run) {
        this.writer = writer;
        this.run = run;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        triggered = new TreeMap<>();
        pending = new ArrayDeque<>();
    }

    @Override
    public void open(OpenContext openContext) {
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            sampler = new EngineSampler("checkpoints", new EngineSampler.Source() {
                @Override
                public List<EngineSample> samples(long now) {
                    synchronized (pending) {
                        return new ArrayList<>(pending);
                    }
                }

                @Override
                public void written(List<EngineSample> samples) {
                    synchronized (pending) {
                        pending.removeAll(samples);
                    }
                }
            }, writer);
            sampler.start();
        }
    }

    @Override
    public T map(T value) {
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (sampler != null) {
            triggered.put(context.getCheckpointId(), context.getCheckpointTimestamp());
        }
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Long trigger = triggered.get(checkpointId);
        // Completing a checkpoint subsumes the earlier ones, whose notices may never come.
        triggered.headMap(checkpointId, true).clear();
        if (trigger == null) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (pending) {
            if (pending.size() == MAX_PENDING) {
                pending.removeFirst();
            }
            // Two clocks (JobManager's trigger, this TaskManager's notice): skew between hosts shows here.
            pending.addLast(new EngineSample("checkpoint_duration_ms", "", "checkpoints", 0, run, now, now - trigger));
        }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) {
        triggered.remove(checkpointId);
    }

    @Override
    public void close() throws Exception {
        if (sampler != null) {
            sampler.stop();
            sampler = null;
        }
    }
}
