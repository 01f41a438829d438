package org.citytwin.jobs.sink.influx;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;

/**
 * A Flink sink writing points to InfluxDB as batched, gzip-compressed line protocol. Built on
 * flink-connector-base's async sink: buffered entries are part of checkpoints and flushed before
 * a checkpoint completes, failed requests are retried with backoff and a full buffer
 * backpressures the job instead of dropping points. Points carry their own timestamp and tags, so
 * a replayed write overwrites the same point: delivery is at-least-once and idempotent. A point
 * can be written more than once with different values (a window corrected by a late record, a
 * formula re-evaluated), and the last one written must be the one InfluxDB keeps: each writer has
 * one request in flight, and a retried batch goes again before any later one, so the writes of a
 * series land in the order the engine emitted them. Given an
 * {@link EngineSampleWriter}, each writer also reports its retried requests to the {@code engine}
 * measurement ({@code influx_write_retries}, a total since the run began).
 */
public final class InfluxDbSink<T> extends AsyncSinkBase<T, String> {

    private static final long serialVersionUID = 1L;

    private final InfluxDbEndpoint endpoint;
    private final Duration maxBackoff;
    private final EngineSampleWriter engineSamples;
    private final String operator;
    private final String run;

    private InfluxDbSink(Builder<T> b) {
        super(lineProtocol(b.encoder), b.maxBatchSize, b.maxInFlightRequests, b.maxBufferedRequests,
                b.maxBatchSizeInBytes, b.maxTimeInBufferMs, b.maxRecordSizeInBytes);
        this.endpoint = b.endpoint;
        this.maxBackoff = b.maxBackoff;
        this.engineSamples = b.engineSamples;
        this.operator = b.operator;
        this.run = b.run;
    }

    public static <T> Builder<T> builder(InfluxDbEndpoint endpoint, PointEncoder<T> encoder) {
        return new Builder<>(endpoint, encoder);
    }

    private static <T> ElementConverter<T, String> lineProtocol(PointEncoder<T> encoder) {
        return (element, context) -> encoder.encode(element).toLineProtocol();
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<String>> restoreWriter(WriterInitContext context,
            Collection<BufferedRequestState<String>> recoveredState) {
        return new InfluxDbSinkWriter<>(getElementConverter(), context, this, recoveredState);
    }

    InfluxDbEndpoint endpoint() {
        return endpoint;
    }

    Duration maxBackoff() {
        return maxBackoff;
    }

    /** Where the writers report their retries, or null. */
    EngineSampleWriter engineSamples() {
        return engineSamples;
    }

    String operator() {
        return operator;
    }

    String run() {
        return run;
    }

    int maxBatchSize() {
        return getMaxBatchSize();
    }

    int maxInFlightRequests() {
        return getMaxInFlightRequests();
    }

    int maxBufferedRequests() {
        return getMaxBufferedRequests();
    }

    long maxBatchSizeInBytes() {
        return getMaxBatchSizeInBytes();
    }

    long maxTimeInBufferMs() {
        return getMaxTimeInBufferMS();
    }

    long maxRecordSizeInBytes() {
        return getMaxRecordSizeInBytes();
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<String>> getWriterStateSerializer() {
        return new InfluxDbWriterState.Serializer();
    }

    /** Builder with defaults sized for thousands of points per second per writer. */
    public static final class Builder<T> {
        private final InfluxDbEndpoint endpoint;
        private final PointEncoder<T> encoder;
        private int maxBatchSize = 5000;
        private int maxInFlightRequests = 1;
        private int maxBufferedRequests = 50_000;
        private long maxBatchSizeInBytes = 4L * 1024 * 1024;
        private long maxTimeInBufferMs = 1000;
        private long maxRecordSizeInBytes = 64 * 1024;
        private Duration maxBackoff = Duration.ofSeconds(30);
        private EngineSampleWriter engineSamples;
        private String operator;
        private String run;

        private Builder(InfluxDbEndpoint endpoint, PointEncoder<T> encoder) {
            this.endpoint = endpoint;
            this.encoder = encoder;
        }

        public Builder<T> maxBatchSize(int points) {
            this.maxBatchSize = points;
            return this;
        }

        public Builder<T> maxBufferedRequests(int points) {
            this.maxBufferedRequests = points;
            return this;
        }

        public Builder<T> maxTimeInBuffer(Duration time) {
            this.maxTimeInBufferMs = time.toMillis();
            return this;
        }

        public Builder<T> maxBackoff(Duration backoff) {
            this.maxBackoff = backoff;
            return this;
        }

        /**
         * Each writer reports the write requests it retried since the run began to the {@code engine}
         * measurement as {@code influx_write_retries}, tagged with {@code operator} and {@code run}.
         */
        public Builder<T> engineSamples(EngineSampleWriter writer, String operator, String run) {
            this.engineSamples = writer;
            this.operator = operator;
            this.run = run;
            return this;
        }

        public InfluxDbSink<T> build() {
            return new InfluxDbSink<>(this);
        }
    }
}
