package org.citytwin.jobs.sink.influx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A sink writer's checkpointed state: the buffered lines (flink-connector-base's state) and how many
 * write requests the writer retried since the run began, so that total survives restarts and is
 * summed across a rescale like the engine's other counters.
 */
final class InfluxDbWriterState extends BufferedRequestState<String> {

    private static final long serialVersionUID = 1L;

    private final long writeRetries;

    InfluxDbWriterState(List<RequestEntryWrapper<String>> entries, long writeRetries) {
        super(entries);
        this.writeRetries = writeRetries;
    }

    /** The retried requests a restored state carries (0 for a state written before they were counted). */
    static long writeRetries(BufferedRequestState<String> state) {
        return state instanceof InfluxDbWriterState s ? s.writeRetries : 0;
    }

    /**
     * Version 1: the buffered lines in flink-connector-base's format. Version 2: the retry total,
     * then version 1.
     */
    static final class Serializer implements SimpleVersionedSerializer<BufferedRequestState<String>> {

        private final AsyncSinkWriterStateSerializer<String> lines = new AsyncSinkWriterStateSerializer<>() {
            @Override
            protected void serializeRequestToStream(String line, DataOutputStream out) throws IOException {
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.write(bytes);
            }

            @Override
            protected String deserializeRequestFromStream(long requestSize, DataInputStream in) throws IOException {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }

            @Override
            public int getVersion() {
                return 1;
            }
        };

        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(BufferedRequestState<String> state) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(writeRetries(state));
            out.write(lines.serialize(state));
            out.flush();
            return bytes.toByteArray();
        }

        @Override
        public BufferedRequestState<String> deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return lines.deserialize(1, serialized);
            }
            if (version != 2) {
                throw new IOException("unknown InfluxDB sink state version " + version);
            }
            long retries = new DataInputStream(new ByteArrayInputStream(serialized)).readLong();
            BufferedRequestState<String> buffered = lines.deserialize(1, Arrays.copyOfRange(serialized, 8, serialized.length));
            return new InfluxDbWriterState(buffered.getBufferedRequestEntries(), retries);
        }
    }
}
