package org.citytwin.jobs.engine.source;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.citytwin.jobs.engine.FieldSerializer;
import org.citytwin.jobs.engine.FieldTypeInfo;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.event.Rejection;

/**
 * The feed records between the source and the twins (each record crosses the network once):
 * their fields in a fixed order, the event's attributes typed ({@link EventFields}),
 * instead of Flink's record serializer with Kryo for the attribute values.
 */
public final class FeedRecordSerializer extends FieldSerializer<FeedRecord> {

    private static final long serialVersionUID = 1L;
    static final FeedRecordSerializer INSTANCE = new FeedRecordSerializer();

    /** The type of every stream of feed records. */
    public static final TypeInformation<FeedRecord> TYPE = new FieldTypeInfo<>(FeedRecord.class, INSTANCE);

    @Override
    public FeedRecord createInstance() {
        return new FeedRecord(null, null, null, null, 0, 0);
    }

    @Override
    public void serialize(FeedRecord record, DataOutputView out) throws IOException {
        out.writeBoolean(record.event() != null);
        if (record.event() != null) {
            EventFields.write(record.event(), out);
        }
        out.writeBoolean(record.rejection() != null);
        if (record.rejection() != null) {
            out.writeUTF(record.rejection().reason().name());
            EventFields.writeNullable(record.rejection().detail(), out);
        }
        out.writeInt(record.payload() == null ? -1 : record.payload().length);
        if (record.payload() != null) {
            out.write(record.payload());
        }
        EventFields.writeNullable(record.topic(), out);
        out.writeInt(record.partition());
        out.writeLong(record.offset());
        out.writeLong(record.partitionWatermark());
    }

    @Override
    public FeedRecord deserialize(DataInputView in) throws IOException {
        org.citytwin.model.event.Event event = in.readBoolean() ? EventFields.read(in) : null;
        Rejection rejection = in.readBoolean()
                ? new Rejection(RejectReason.valueOf(in.readUTF()), EventFields.readNullable(in)) : null;
        int length = in.readInt();
        byte[] payload = null;
        if (length >= 0) {
            payload = new byte[length];
            in.readFully(payload);
        }
        String topic = EventFields.readNullable(in);
        int partition = in.readInt();
        long offset = in.readLong();
        long partitionWatermark = in.readLong();
        return new FeedRecord(event, rejection, payload, topic, partition, offset, partitionWatermark);
    }

    @Override
    public TypeSerializerSnapshot<FeedRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of a stateless serializer: its class only. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FeedRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
