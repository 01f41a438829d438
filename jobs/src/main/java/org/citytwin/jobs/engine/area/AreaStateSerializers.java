package org.citytwin.jobs.engine.area;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.citytwin.jobs.engine.FieldSerializer;
import org.citytwin.jobs.engine.FieldTypeInfo;

/**
 * Serializers for the area's state values, read and written at every tick, and for the partials
 * the pre-aggregation sends to the areas (on the network, and waiting in the area's state): their
 * fields in a fixed order, without the reflection of Flink's POJO serializer (which took about a
 * third of the areas' thread). Stateless, so their snapshots only carry the class; a change of
 * layout needs a new snapshot version.
 */
public final class AreaStateSerializers {

    private AreaStateSerializers() {}

    /** The type of the gauge partials' stream. */
    public static final TypeInformation<GaugePartial> GAUGE_PARTIALS = new FieldTypeInfo<>(GaugePartial.class,
            GaugePartials.INSTANCE);
    /** The type of the window partials' stream. */
    public static final TypeInformation<WindowPartial> WINDOW_PARTIALS = new FieldTypeInfo<>(WindowPartial.class,
            WindowPartials.INSTANCE);

    static final class GaugePartials extends FieldSerializer<GaugePartial> {
        private static final long serialVersionUID = 1L;
        static final GaugePartials INSTANCE = new GaugePartials();

        @Override
        public GaugePartial createInstance() {
            return new GaugePartial();
        }

        @Override
        public void serialize(GaugePartial partial, DataOutputView out) throws IOException {
            out.writeUTF(partial.area);
            out.writeLong(partial.tick);
            out.writeInt(partial.groups.length);
            for (int i = 0; i < partial.groups.length; i++) {
                out.writeInt(partial.groups[i]);
                Gauges.INSTANCE.serialize(partial.changes[i], out);
            }
        }

        @Override
        public GaugePartial deserialize(DataInputView in) throws IOException {
            GaugePartial partial = new GaugePartial();
            partial.area = in.readUTF();
            partial.tick = in.readLong();
            int n = in.readInt();
            partial.groups = new int[n];
            partial.changes = new GaugeAccumulator[n];
            for (int i = 0; i < n; i++) {
                partial.groups[i] = in.readInt();
                partial.changes[i] = Gauges.INSTANCE.deserialize(in);
            }
            return partial;
        }

        @Override
        public TypeSerializerSnapshot<GaugePartial> snapshotConfiguration() {
            return new GaugePartialsSnapshot();
        }
    }

    public static final class GaugePartialsSnapshot extends SimpleTypeSerializerSnapshot<GaugePartial> {
        public GaugePartialsSnapshot() {
            super(() -> GaugePartials.INSTANCE);
        }
    }

    static final class WindowPartials extends FieldSerializer<WindowPartial> {
        private static final long serialVersionUID = 1L;
        static final WindowPartials INSTANCE = new WindowPartials();

        @Override
        public WindowPartial createInstance() {
            return new WindowPartial();
        }

        @Override
        public void serialize(WindowPartial partial, DataOutputView out) throws IOException {
            out.writeUTF(partial.area);
            out.writeLong(partial.end);
            out.writeInt(partial.groups.length);
            for (int i = 0; i < partial.groups.length; i++) {
                out.writeInt(partial.groups[i]);
                Windows.INSTANCE.serialize(partial.items[i], out);
            }
        }

        @Override
        public WindowPartial deserialize(DataInputView in) throws IOException {
            WindowPartial partial = new WindowPartial();
            partial.area = in.readUTF();
            partial.end = in.readLong();
            int n = in.readInt();
            partial.groups = new int[n];
            partial.items = new WindowAccumulator[n];
            for (int i = 0; i < n; i++) {
                partial.groups[i] = in.readInt();
                partial.items[i] = Windows.INSTANCE.deserialize(in);
            }
            return partial;
        }

        @Override
        public TypeSerializerSnapshot<WindowPartial> snapshotConfiguration() {
            return new WindowPartialsSnapshot();
        }
    }

    public static final class WindowPartialsSnapshot extends SimpleTypeSerializerSnapshot<WindowPartial> {
        public WindowPartialsSnapshot() {
            super(() -> WindowPartials.INSTANCE);
        }
    }

    static final class Gauges extends FieldSerializer<GaugeAccumulator> {
        private static final long serialVersionUID = 1L;
        static final Gauges INSTANCE = new Gauges();

        @Override
        public GaugeAccumulator createInstance() {
            return new GaugeAccumulator();
        }

        @Override
        public void serialize(GaugeAccumulator acc, DataOutputView out) throws IOException {
            acc.seal();
            out.writeLong(acc.sum);
            out.writeInt(acc.included);
            out.writeInt(acc.matching);
            out.writeBoolean(acc.touched);
            out.writeInt(acc.values.length);
            for (int i = 0; i < acc.values.length; i++) {
                out.writeLong(acc.values[i]);
                out.writeInt(acc.counts[i]);
            }
        }

        @Override
        public GaugeAccumulator deserialize(DataInputView in) throws IOException {
            GaugeAccumulator acc = new GaugeAccumulator();
            acc.sum = in.readLong();
            acc.included = in.readInt();
            acc.matching = in.readInt();
            acc.touched = in.readBoolean();
            int n = in.readInt();
            acc.values = new long[n];
            acc.counts = new int[n];
            for (int i = 0; i < n; i++) {
                acc.values[i] = in.readLong();
                acc.counts[i] = in.readInt();
            }
            return acc;
        }

        @Override
        public TypeSerializerSnapshot<GaugeAccumulator> snapshotConfiguration() {
            return new GaugesSnapshot();
        }
    }

    public static final class GaugesSnapshot extends SimpleTypeSerializerSnapshot<GaugeAccumulator> {
        public GaugesSnapshot() {
            super(() -> Gauges.INSTANCE);
        }
    }

    static final class Windows extends FieldSerializer<WindowAccumulator> {
        private static final long serialVersionUID = 1L;
        static final Windows INSTANCE = new Windows();

        @Override
        public WindowAccumulator createInstance() {
            return new WindowAccumulator();
        }

        @Override
        public void serialize(WindowAccumulator acc, DataOutputView out) throws IOException {
            acc.seal();
            out.writeLong(acc.count);
            out.writeLong(acc.sum);
            out.writeLong(acc.max);
            out.writeInt(acc.distinct.length);
            for (String label : acc.distinct) {
                StringSerializer.INSTANCE.serialize(label, out); // no 64 KiB limit, unlike writeUTF
            }
            out.writeInt(acc.sketch == null ? -1 : acc.sketch.length);
            if (acc.sketch != null) {
                out.write(acc.sketch);
            }
        }

        @Override
        public WindowAccumulator deserialize(DataInputView in) throws IOException {
            WindowAccumulator acc = new WindowAccumulator();
            acc.count = in.readLong();
            acc.sum = in.readLong();
            acc.max = in.readLong();
            acc.distinct = new String[in.readInt()];
            for (int i = 0; i < acc.distinct.length; i++) {
                acc.distinct[i] = StringSerializer.INSTANCE.deserialize(in);
            }
            int sketchLength = in.readInt();
            if (sketchLength >= 0) {
                acc.sketch = new byte[sketchLength];
                in.readFully(acc.sketch);
            }
            return acc;
        }

        @Override
        public TypeSerializerSnapshot<WindowAccumulator> snapshotConfiguration() {
            return new WindowsSnapshot();
        }
    }

    public static final class WindowsSnapshot extends SimpleTypeSerializerSnapshot<WindowAccumulator> {
        public WindowsSnapshot() {
            super(() -> Windows.INSTANCE);
        }
    }

    static final class Written extends FieldSerializer<PointValues> {
        private static final long serialVersionUID = 1L;
        static final Written INSTANCE = new Written();

        @Override
        public PointValues createInstance() {
            return new PointValues();
        }

        @Override
        public void serialize(PointValues values, DataOutputView out) throws IOException {
            out.writeInt(values.size());
            for (int i = 0; i < values.size(); i++) {
                out.writeInt(values.slot(i));
                out.writeDouble(values.value(i));
            }
        }

        @Override
        public PointValues deserialize(DataInputView in) throws IOException {
            PointValues values = new PointValues();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                values.put(in.readInt(), in.readDouble()); // ascending: appended
            }
            return values;
        }

        @Override
        public TypeSerializerSnapshot<PointValues> snapshotConfiguration() {
            return new WrittenSnapshot();
        }
    }

    public static final class WrittenSnapshot extends SimpleTypeSerializerSnapshot<PointValues> {
        public WrittenSnapshot() {
            super(() -> Written.INSTANCE);
        }
    }
}
