package org.citytwin.jobs.engine.area;

import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.citytwin.jobs.engine.IndicatorPoint;

/**
 * Runs the {@link AreaFunction} and writes its heap state to keyed state before each checkpoint
 * barrier (a function has no such hook; the operator can set the key of each area it writes), and
 * early, at a watermark, past {@value #MAX_ENTRIES_ON_HEAP} entries (a job without checkpoints).
 */
public final class AreaOperator extends KeyedCoProcessOperator<String, GaugePartial, WindowPartial, IndicatorPoint> {

    private static final long serialVersionUID = 1L;

    /** Entries kept on the heap before they are written back early (with checkpoints, far fewer). */
    static final int MAX_ENTRIES_ON_HEAP = 1_000_000;

    private int maxEntriesOnHeap = MAX_ENTRIES_ON_HEAP;

    public AreaOperator(AreaFunction function) {
        super(function);
    }

    /** A smaller bound on the entries kept on the heap (for tests). */
    AreaOperator withMaxEntriesOnHeap(int max) {
        this.maxEntriesOnHeap = max;
        return this;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        AreaFunction function = (AreaFunction) userFunction;
        if (function.entriesOnHeap() > maxEntriesOnHeap) {
            function.writeBack(this::setCurrentKey, false);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        ((AreaFunction) userFunction).writeBack(this::setCurrentKey, getKeyedStateBackend().isSafeToReuseKVState());
        super.prepareSnapshotPreBarrier(checkpointId);
    }
}
