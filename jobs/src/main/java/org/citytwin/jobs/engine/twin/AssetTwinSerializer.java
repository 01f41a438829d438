package org.citytwin.jobs.engine.twin;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.citytwin.jobs.engine.FieldSerializer;
import org.citytwin.model.event.Event;

/**
 * The twin's state value, read and written for every record: its fields in a fixed order, the
 * waiting events included (whose attribute maps Flink's POJO serializer hands to Kryo). Stateless;
 * a change of layout needs a new snapshot version.
 */
public final class AssetTwinSerializer extends FieldSerializer<AssetTwin> {

    private static final long serialVersionUID = 1L;
    static final AssetTwinSerializer INSTANCE = new AssetTwinSerializer();

    private static final byte NUMBER = 0;
    private static final byte TEXT = 1;
    private static final byte FLAG = 2;

    @Override
    public AssetTwin createInstance() {
        return new AssetTwin();
    }

    @Override
    public void serialize(AssetTwin twin, DataOutputView out) throws IOException {
        writeLongs(twin.values, out);
        writeLongs(twin.valueTimes, out);
        writeLongs(twin.counters, out);
        writeLongs(twin.counterTimes, out);
        out.writeLong(twin.lastSeen);
        out.writeBoolean(twin.online);
        out.writeInt(twin.pending.length);
        for (Event event : twin.pending) {
            writeEvent(event, out);
        }
        out.writeLong(twin.firstPending);
        out.writeInt(twin.identities.length);
        for (int i = 0; i < twin.identities.length; i++) {
            StringSerializer.INSTANCE.serialize(twin.identities[i], out);
            out.writeLong(twin.identityTimes[i]);
        }
        out.writeLong(twin.oldestIdentity);
        out.writeLong(twin.timer);
        writeNullable(twin.street, out);
        out.writeInt(twin.assetFingerprint);
        writeLongs(twin.parts, out);
        out.writeInt(twin.memberships == null ? -1 : twin.memberships.length);
        if (twin.memberships != null) {
            out.write(twin.memberships);
        }
    }

    @Override
    public AssetTwin deserialize(DataInputView in) throws IOException {
        AssetTwin twin = new AssetTwin();
        twin.values = readLongs(in);
        twin.valueTimes = readLongs(in);
        twin.counters = readLongs(in);
        twin.counterTimes = readLongs(in);
        twin.lastSeen = in.readLong();
        twin.online = in.readBoolean();
        twin.pending = new Event[in.readInt()];
        for (int i = 0; i < twin.pending.length; i++) {
            twin.pending[i] = readEvent(in);
        }
        twin.firstPending = in.readLong();
        int identities = in.readInt();
        twin.identities = new String[identities];
        twin.identityTimes = new long[identities];
        for (int i = 0; i < identities; i++) {
            twin.identities[i] = StringSerializer.INSTANCE.deserialize(in);
            twin.identityTimes[i] = in.readLong();
        }
        twin.oldestIdentity = in.readLong();
        twin.timer = in.readLong();
        twin.street = readNullable(in);
        twin.assetFingerprint = in.readInt();
        twin.parts = readLongs(in);
        int memberships = in.readInt();
        if (memberships >= 0) {
            twin.memberships = new byte[memberships];
            in.readFully(twin.memberships);
        }
        return twin;
    }

    private static void writeEvent(Event event, DataOutputView out) throws IOException {
        writeNullable(event.eventId(), out);
        StringSerializer.INSTANCE.serialize(event.assetId(), out);
        out.writeLong(event.time());
        out.writeInt(event.readings().size());
        for (Map.Entry<String, Double> reading : event.readings().entrySet()) {
            StringSerializer.INSTANCE.serialize(reading.getKey(), out);
            out.writeDouble(reading.getValue());
        }
        writeNullable(event.kind(), out);
        out.writeInt(event.attributes().size());
        for (Map.Entry<String, Object> attribute : event.attributes().entrySet()) {
            StringSerializer.INSTANCE.serialize(attribute.getKey(), out);
            Object value = attribute.getValue();
            if (value instanceof Double d) {
                out.writeByte(NUMBER);
                out.writeDouble(d);
            } else if (value instanceof String s) {
                out.writeByte(TEXT);
                StringSerializer.INSTANCE.serialize(s, out);
            } else if (value instanceof Boolean b) {
                out.writeByte(FLAG);
                out.writeBoolean(b);
            } else {
                throw new IllegalArgumentException("event attribute '" + attribute.getKey() + "' of type "
                        + (value == null ? "null" : value.getClass().getName())
                        + ": the parser gives Double, String or Boolean only");
            }
        }
    }

    private static Event readEvent(DataInputView in) throws IOException {
        String eventId = readNullable(in);
        String assetId = StringSerializer.INSTANCE.deserialize(in);
        long time = in.readLong();
        int readingCount = in.readInt();
        Map<String, Double> readings = new HashMap<>();
        for (int i = 0; i < readingCount; i++) {
            readings.put(StringSerializer.INSTANCE.deserialize(in), in.readDouble());
        }
        String kind = readNullable(in);
        int attributeCount = in.readInt();
        Map<String, Object> attributes = new HashMap<>();
        for (int i = 0; i < attributeCount; i++) {
            String name = StringSerializer.INSTANCE.deserialize(in);
            byte tag = in.readByte();
            attributes.put(name, switch (tag) {
                case NUMBER -> in.readDouble();
                case TEXT -> StringSerializer.INSTANCE.deserialize(in);
                case FLAG -> in.readBoolean();
                default -> throw new IOException("unknown attribute tag " + tag);
            });
        }
        return new Event(eventId, assetId, time, Map.copyOf(readings), kind, Map.copyOf(attributes));
    }

    private static void writeLongs(long[] values, DataOutputView out) throws IOException {
        out.writeInt(values == null ? -1 : values.length);
        if (values != null) {
            for (long value : values) {
                out.writeLong(value);
            }
        }
    }

    private static long[] readLongs(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    private static void writeNullable(String value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            StringSerializer.INSTANCE.serialize(value, out);
        }
    }

    private static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? StringSerializer.INSTANCE.deserialize(in) : null;
    }

    @Override
    public TypeSerializerSnapshot<AssetTwin> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of a stateless serializer: its class only. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AssetTwin> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
