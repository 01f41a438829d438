package org.citytwin.jobs.engine.source;

import java.io.IOException;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * A split of the feed's source (a Kafka partition, or a partition of the archive) with the
 * watermark of its partition: in a reader's checkpoint, the watermark from the records read before
 * its position, so it moves with the split when a restore hands the splits to other subtasks.
 *
 * @param watermark {@link Long#MIN_VALUE} before any accepted record of the partition was read
 */
public record StampedSplit<S extends SourceSplit>(S split, long watermark) implements SourceSplit {

    @Override
    public String splitId() {
        return split.splitId();
    }

    /** The split as its own serializer writes it (version, length, bytes), then the watermark. */
    static final class Serializer<S extends SourceSplit> implements SimpleVersionedSerializer<StampedSplit<S>> {

        /**
         * Far from the connectors' own versions (Kafka's split 0 and enumerator 3, the archive's 1), so
         * a checkpoint of the plain source, taken before the splits carried the watermark, is refused
         * with this message instead of misread; the enumerator's checkpoint has the same.
         */
        static final int VERSION = 1_000_001;

        private final SimpleVersionedSerializer<S> splits;

        /** Refuses a checkpoint of another version (the plain source's) with the reason. */
        static void requireVersion(String what, int version) throws IOException {
            if (version != VERSION) {
                throw new IOException(what + " version " + version + " is not known (" + VERSION + " is): a savepoint "
                        + "taken before the feed's splits carried their partition's watermark cannot be restored");
            }
        }

        Serializer(SimpleVersionedSerializer<S> splits) {
            this.splits = splits;
        }

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(StampedSplit<S> stamped) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            SimpleVersionedSerialization.writeVersionAndSerialize(splits, stamped.split(), out);
            out.writeLong(stamped.watermark());
            return out.getCopyOfBuffer();
        }

        @Override
        public StampedSplit<S> deserialize(int version, byte[] serialized) throws IOException {
            requireVersion("feed split", version);
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            return new StampedSplit<>(SimpleVersionedSerialization.readVersionAndDeSerialize(splits, in), in.readLong());
        }
    }
}
