package org.citytwin.jobs.replay;

import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;

/**
 * The InfluxDB sink of a replay, preceded by the {@link PointSelection}: a backfill filters here,
 * at the sink, so the engine still evaluates every indicator a selected formula reads.
 */
public final class SelectedPoints implements Sink<IndicatorPoint>,
        SupportsWriterState<IndicatorPoint, BufferedRequestState<String>>, SupportsPreWriteTopology<IndicatorPoint> {

    private static final long serialVersionUID = 1L;
    public static final String POINTS_WRITTEN = PointSelection.POINTS_WRITTEN;
    public static final String EVENT_TIME_REACHED = PointSelection.EVENT_TIME_REACHED;

    private final InfluxDbSink<IndicatorPoint> influx;
    private final IndicatorGlob indicators;

    /** @param indicators the indicators written; null for all */
    public SelectedPoints(InfluxDbSink<IndicatorPoint> influx, IndicatorGlob indicators) {
        this.influx = influx;
        this.indicators = indicators;
    }

    @Override
    public DataStream<IndicatorPoint> addPreWriteTopology(DataStream<IndicatorPoint> points) {
        return points.filter(new PointSelection(indicators)).name("selected points").uid("points-selection");
    }

    @Override
    public StatefulSinkWriter<IndicatorPoint, BufferedRequestState<String>> createWriter(WriterInitContext context) {
        return influx.createWriter(context);
    }

    @Override
    public StatefulSinkWriter<IndicatorPoint, BufferedRequestState<String>> restoreWriter(WriterInitContext context,
            Collection<BufferedRequestState<String>> state) throws IOException {
        return influx.restoreWriter(context, state);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<String>> getWriterStateSerializer() {
        return influx.getWriterStateSerializer();
    }
}
