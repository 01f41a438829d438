package org.citytwin.jobs.engine.twin;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.array.BytePrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.IntPrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.api.common.typeutils.base.array.StringArraySerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.citytwin.jobs.engine.FieldSerializer;

/** Either kind of {@link Contribution}, a tag byte first, then its fields in order. */
public final class ContributionSerializer extends FieldSerializer<Contribution> {

    private static final long serialVersionUID = 1L;
    static final ContributionSerializer INSTANCE = new ContributionSerializer();
    private static final byte GAUGE = 0;
    private static final byte WINDOW = 1;

    @Override
    public Contribution createInstance() {
        return new WindowItems(null, 0, new int[0], new long[0], new String[0]);
    }

    @Override
    public void serialize(Contribution contribution, DataOutputView out) throws IOException {
        out.writeByte(contribution instanceof GaugeChanges ? GAUGE : WINDOW);
        StringSerializer.INSTANCE.serialize(contribution.street(), out);
        out.writeLong(contribution.time());
        IntPrimitiveArraySerializer.INSTANCE.serialize(contribution.groups(), out);
        if (contribution instanceof GaugeChanges g) {
            LongPrimitiveArraySerializer.INSTANCE.serialize(g.oldParts(), out);
            LongPrimitiveArraySerializer.INSTANCE.serialize(g.newParts(), out);
            BytePrimitiveArraySerializer.INSTANCE.serialize(g.flags(), out);
        } else {
            WindowItems w = (WindowItems) contribution;
            LongPrimitiveArraySerializer.INSTANCE.serialize(w.values(), out);
            StringArraySerializer.INSTANCE.serialize(w.labels(), out);
        }
    }

    @Override
    public Contribution deserialize(DataInputView in) throws IOException {
        byte kind = in.readByte();
        String street = StringSerializer.INSTANCE.deserialize(in);
        long time = in.readLong();
        int[] groups = IntPrimitiveArraySerializer.INSTANCE.deserialize(in);
        if (kind == GAUGE) {
            return new GaugeChanges(street, time, groups, LongPrimitiveArraySerializer.INSTANCE.deserialize(in),
                    LongPrimitiveArraySerializer.INSTANCE.deserialize(in), BytePrimitiveArraySerializer.INSTANCE.deserialize(in));
        }
        return new WindowItems(street, time, groups, LongPrimitiveArraySerializer.INSTANCE.deserialize(in),
                StringArraySerializer.INSTANCE.deserialize(in));
    }

    @Override
    public TypeSerializerSnapshot<Contribution> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of a stateless serializer: its class only. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Contribution> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
