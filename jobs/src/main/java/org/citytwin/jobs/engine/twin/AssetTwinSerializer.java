package org.citytwin.jobs.engine.twin;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.citytwin.jobs.engine.FieldSerializer;
import org.citytwin.jobs.engine.source.EventFields;
import org.citytwin.model.event.Event;

/**
 * The twin's state value, written at checkpoints and read back after them: its fields in a fixed order, the
 * waiting events included (whose attribute maps Flink's POJO serializer hands to Kryo). Stateless;
 * a change of layout needs a new snapshot version.
 */
public final class AssetTwinSerializer extends FieldSerializer<AssetTwin> {

    private static final long serialVersionUID = 1L;
    static final AssetTwinSerializer INSTANCE = new AssetTwinSerializer();


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
            EventFields.write(event, out);
        }
        out.writeLong(twin.firstPending);
        out.writeInt(twin.identities.length);
        for (int i = 0; i < twin.identities.length; i++) {
            StringSerializer.INSTANCE.serialize(twin.identities[i], out);
            out.writeLong(twin.identityTimes[i]);
        }
        out.writeLong(twin.oldestIdentity);
        out.writeLong(twin.releaseAt);
        out.writeLong(twin.silenceTimer);
        EventFields.writeNullable(twin.street, out);
        out.writeInt(twin.assetFingerprint);
        out.writeLong(twin.followedFrom);
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
            twin.pending[i] = EventFields.read(in);
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
        twin.releaseAt = in.readLong();
        twin.silenceTimer = in.readLong();
        twin.street = EventFields.readNullable(in);
        twin.assetFingerprint = in.readInt();
        twin.followedFrom = in.readLong();
        twin.parts = readLongs(in);
        int memberships = in.readInt();
        if (memberships >= 0) {
            twin.memberships = new byte[memberships];
            in.readFully(twin.memberships);
        }
        return twin;
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

    @Override
    public TypeSerializerSnapshot<AssetTwin> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * The snapshot of a stateless serializer: its class and the layout's version. A twin written
     * in another layout is refused at restore (incompatible) instead of being misread. Layout 3
     * was the first (Flink's simple snapshot wrote its own version, 3); layout 4 holds the
     * release second and the silence timer instead of one timer; layout 5 the {@code valid_from}
     * of the registry entry the twin follows.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<AssetTwin> {
        static final int LAYOUT = 5;
        private int layout = LAYOUT;

        @Override
        public int getCurrentVersion() {
            return LAYOUT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // the version written by Flink is the layout
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) {
            layout = readVersion;
        }

        @Override
        public TypeSerializer<AssetTwin> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<AssetTwin> resolveSchemaCompatibility(
                TypeSerializerSnapshot<AssetTwin> old) {
            return old instanceof Snapshot s && s.layout == LAYOUT ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
