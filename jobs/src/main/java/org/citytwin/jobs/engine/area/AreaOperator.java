package org.citytwin.jobs.engine.area;

import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.citytwin.jobs.engine.IndicatorPoint;

/**
 * Runs the {@link AreaFunction} and writes its heap state to keyed state before each checkpoint
 * barrier (a function has no such hook; the operator can set the key of each area it writes).
 */
public final class AreaOperator extends KeyedCoProcessOperator<String, GaugePartial, WindowPartial, IndicatorPoint> {

    private static final long serialVersionUID = 1L;

    public AreaOperator(AreaFunction function) {
        super(function);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        ((AreaFunction) userFunction).writeBack(this::setCurrentKey, getKeyedStateBackend().isSafeToReuseKVState());
        super.prepareSnapshotPreBarrier(checkpointId);
    }
}
