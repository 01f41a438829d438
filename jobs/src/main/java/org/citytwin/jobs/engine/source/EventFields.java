package org.citytwin.jobs.engine.source;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.citytwin.model.event.Event;

/**
 * An {@link Event}'s fields in a fixed order, its attributes typed (Double, String or Boolean, as
 * the parser gives them) — for the serializers of the feed records and of the twins' waiting events,
 * so neither goes through reflection or Kryo.
 */
public final class EventFields {

    private static final byte NUMBER = 0;
    private static final byte TEXT = 1;
    private static final byte FLAG = 2;

    private EventFields() {}

    public static void write(Event event, DataOutputView out) throws IOException {
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

    public static Event read(DataInputView in) throws IOException {
        String eventId = readNullable(in);
        String assetId = StringSerializer.INSTANCE.deserialize(in);
        long time = in.readLong();
        @SuppressWarnings("unchecked")
        Map.Entry<String, Double>[] readings = new Map.Entry[in.readInt()];
        for (int i = 0; i < readings.length; i++) {
            readings[i] = Map.entry(StringSerializer.INSTANCE.deserialize(in), in.readDouble());
        }
        String kind = readNullable(in);
        @SuppressWarnings("unchecked")
        Map.Entry<String, Object>[] attributes = new Map.Entry[in.readInt()];
        for (int i = 0; i < attributes.length; i++) {
            String name = StringSerializer.INSTANCE.deserialize(in);
            byte tag = in.readByte();
            attributes[i] = Map.entry(name, switch (tag) {
                case NUMBER -> in.readDouble();
                case TEXT -> StringSerializer.INSTANCE.deserialize(in);
                case FLAG -> in.readBoolean();
                default -> throw new IOException("unknown attribute tag " + tag);
            });
        }
        // The immutable maps the parser's events hold, built at once (the names were a map's keys: distinct).
        return new Event(eventId, assetId, time, Map.ofEntries(readings), kind, Map.ofEntries(attributes));
    }

    public static void writeNullable(String value, DataOutputView out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            StringSerializer.INSTANCE.serialize(value, out);
        }
    }

    public static String readNullable(DataInputView in) throws IOException {
        return in.readBoolean() ? StringSerializer.INSTANCE.deserialize(in) : null;
    }
}
