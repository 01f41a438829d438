package org.citytwin.jobs.engine.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.model.event.RejectReason;

/**
 * The record counts of one operator subtask, kept in one place and reported three ways: Flink
 * metrics ({@code recordsRead}, {@code recordsApplied}, {@code deadLetters} per {@code reason},
 * {@code pointsWritten}), the run's accumulators ({@link IndicatorJob#RECORDS_READ} and the others,
 * in the job result, from the restored totals on) and {@link EngineSample}s for the {@code engine} measurement.
 *
 * <p>The counts are totals since the run began: they are part of checkpoints (operator state, so
 * they survive restarts and are summed across a rescale), and samples carry the totals, written
 * every {@link EngineSampler#INTERVAL_MS} by a thread of their own, whether records flow or not, and once more
 * when the operator closes (the end of a bounded run). The last sample of every subtask, summed,
 * is therefore the run's account at any settled moment: read = applied + dead-lettered.
 */
public final class EngineCounters {

    private static final RejectReason[] REASONS = RejectReason.values();

    private final String operator;
    private final String run;
    private final ListState<Tuple2<String, Long>> state;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong points = new AtomicLong();
    private final AtomicLong offPartition = new AtomicLong();
    private final AtomicLongArray deadLetters = new AtomicLongArray(REASONS.length);
    private volatile long watermark = Long.MIN_VALUE;

    private LongCounter readAccumulator;
    private LongCounter appliedAccumulator;
    private LongCounter deadLetteredAccumulator;
    private LongCounter offPartitionAccumulator;
    private Counter readMetric;
    private Counter appliedMetric;
    private Counter pointsMetric;
    private Counter offPartitionMetric;
    private final Map<RejectReason, Counter> deadLetterMetrics = new EnumMap<>(RejectReason.class);
    private RuntimeContext context;
    private int subtask;
    private EngineSampler sampler;

    private EngineCounters(String operator, String run, ListState<Tuple2<String, Long>> state) {
        this.operator = operator;
        this.run = run;
        this.state = state;
    }

    /** The counters of an operator, restored from its last checkpoint (call from {@code initializeState}). */
    public static EngineCounters restore(FunctionInitializationContext context, String operator, String run) throws Exception {
        ListState<Tuple2<String, Long>> state = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("engine-counters", Types.TUPLE(Types.STRING, Types.LONG)));
        EngineCounters counters = new EngineCounters(operator, run, state);
        for (Tuple2<String, Long> entry : state.get()) {
            switch (entry.f0) {
                case "records_read" -> counters.read.addAndGet(entry.f1);
                case "records_applied" -> counters.applied.addAndGet(entry.f1);
                case "points_written" -> counters.points.addAndGet(entry.f1);
                case "records_off_partition" -> counters.offPartition.addAndGet(entry.f1);
                default -> counters.deadLetters.addAndGet(RejectReason.valueOf(entry.f0).ordinal(), entry.f1);
            }
        }
        return counters;
    }

    /** Writes the totals into the checkpoint (call from {@code snapshotState}). */
    public void snapshot() throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>();
        entries.add(Tuple2.of("records_read", read.get()));
        entries.add(Tuple2.of("records_applied", applied.get()));
        entries.add(Tuple2.of("points_written", points.get()));
        entries.add(Tuple2.of("records_off_partition", offPartition.get()));
        for (RejectReason reason : REASONS) {
            entries.add(Tuple2.of(reason.name(), deadLetters.get(reason.ordinal())));
        }
        state.update(entries);
    }

    /**
     * Binds the counters to the running subtask (call from {@code open}) and, when a writer is
     * given, starts writing samples.
     */
    public void open(RuntimeContext context, EngineSampleWriter writer) {
        this.context = context;
        this.readAccumulator = context.getLongCounter(IndicatorJob.RECORDS_READ);
        this.appliedAccumulator = context.getLongCounter(IndicatorJob.RECORDS_APPLIED);
        this.deadLetteredAccumulator = context.getLongCounter(IndicatorJob.RECORDS_DEAD_LETTERED);
        this.offPartitionAccumulator = context.getLongCounter(IndicatorJob.RECORDS_OFF_PARTITION);
        // Accumulators are per task attempt: starting from the restored totals, their sum over the
        // current attempts is the run's account even after a restart (a failed attempt's are dropped).
        readAccumulator.add(read.get());
        appliedAccumulator.add(applied.get());
        offPartitionAccumulator.add(offPartition.get());
        for (RejectReason reason : REASONS) {
            deadLetteredAccumulator.add(deadLetters.get(reason.ordinal()));
        }
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        if (writer != null) {
            sampler = new EngineSampler(operator + " " + subtask, this::samples, writer);
            sampler.start();
        }
    }

    /** Stops sampling and writes the final totals (call from {@code close}). */
    public void close() throws InterruptedException {
        if (sampler != null) {
            sampler.stop();
            sampler = null;
        }
    }

    /** A record read from the feed. */
    public void read() {
        read.incrementAndGet();
        readAccumulator.add(1);
        if (readMetric == null) {
            readMetric = context.getMetricGroup().counter("recordsRead");
        }
        readMetric.inc();
    }

    /** A record applied to its asset's twin (neither LATE nor DUPLICATE). */
    public void applied() {
        applied.incrementAndGet();
        appliedAccumulator.add(1);
        if (appliedMetric == null) {
            appliedMetric = context.getMetricGroup().counter("recordsApplied");
        }
        appliedMetric.inc();
    }

    /**
     * A record of an asset read on another feed partition than the asset's record before it: the
     * feed is not keyed by asset id, and the order of the asset's records depends on arrival.
     */
    public void offPartition() {
        offPartition.incrementAndGet();
        offPartitionAccumulator.add(1);
        if (offPartitionMetric == null) {
            offPartitionMetric = context.getMetricGroup().counter("recordsOffPartition");
        }
        offPartitionMetric.inc();
    }

    /** The records counted by {@link #offPartition} (for tests). */
    public long recordsOffPartition() {
        return offPartition.get();
    }

    /** An indicator point handed to the sink (a rewrite of a corrected window counts again). */
    public void pointWritten() {
        points.incrementAndGet();
        if (pointsMetric == null) {
            pointsMetric = context.getMetricGroup().counter("pointsWritten");
        }
        pointsMetric.inc();
    }

    /** A record sent to the dead letters. */
    public void deadLettered(RejectReason reason) {
        deadLetters.incrementAndGet(reason.ordinal());
        deadLetteredAccumulator.add(1);
        deadLetterMetrics.computeIfAbsent(reason, r -> context.getMetricGroup().addGroup("reason", r.name())
                .counter("deadLetters")).inc();
    }

    /** The operator's current watermark, for the {@code watermark_lag_ms} sample. */
    public void watermark(long current) {
        if (current != watermark) {
            watermark = current;
        }
    }

    /** The current totals as samples: every count that is not zero, and the watermark lag. */
    List<EngineSample> samples(long now) {
        List<EngineSample> samples = new ArrayList<>();
        addIfCounted(samples, "records_read", "", read.get(), now);
        addIfCounted(samples, "records_applied", "", applied.get(), now);
        addIfCounted(samples, "points_written", "", points.get(), now);
        addIfCounted(samples, "records_off_partition", "", offPartition.get(), now);
        for (RejectReason reason : REASONS) {
            addIfCounted(samples, "dead_letters", reason.name(), deadLetters.get(reason.ordinal()), now);
        }
        long current = watermark;
        if (current > Long.MIN_VALUE) {
            samples.add(new EngineSample("watermark_lag_ms", "", operator, subtask, run, now, now - current));
        }
        return samples;
    }

    private void addIfCounted(List<EngineSample> samples, String metric, String reason, long total, long now) {
        if (total > 0) {
            samples.add(new EngineSample(metric, reason, operator, subtask, run, now, total));
        }
    }
}
