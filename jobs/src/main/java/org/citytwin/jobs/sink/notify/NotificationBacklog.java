package org.citytwin.jobs.sink.notify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A notification writer's checkpointed state: the notifications not yet delivered, in order, and
 * (for Alertmanager) the firing alerts it keeps re-sending. Restored, they are sent again, so a
 * restart loses none (and may repeat some, with the same fingerprint).
 */
public record NotificationBacklog(List<Notification> undelivered, List<Notification> active) {

    public NotificationBacklog {
        undelivered = List.copyOf(undelivered);
        active = List.copyOf(active);
    }

    /** Version 1: counts, then per notification status, labels, annotations, startsAt, endsAt, generator URL. */
    static final class Serializer implements SimpleVersionedSerializer<NotificationBacklog> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(NotificationBacklog backlog) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                write(out, backlog.undelivered());
                write(out, backlog.active());
            }
            return bytes.toByteArray();
        }

        @Override
        public NotificationBacklog deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown notification backlog version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return new NotificationBacklog(read(in), read(in));
            }
        }

        private static void write(DataOutputStream out, List<Notification> notifications) throws IOException {
            out.writeInt(notifications.size());
            for (Notification n : notifications) {
                string(out, n.status());
                map(out, n.labels());
                map(out, n.annotations());
                out.writeLong(n.startsAt());
                out.writeLong(n.endsAt());
                string(out, n.generatorUrl());
            }
        }

        private static List<Notification> read(DataInputStream in) throws IOException {
            int count = in.readInt();
            List<Notification> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new Notification(string(in), map(in), map(in), in.readLong(), in.readLong(), string(in)));
            }
            return out;
        }

        private static void map(DataOutputStream out, Map<String, String> map) throws IOException {
            out.writeInt(map.size());
            for (Map.Entry<String, String> e : map.entrySet()) {
                string(out, e.getKey());
                string(out, e.getValue());
            }
        }

        private static Map<String, String> map(DataInputStream in) throws IOException {
            int size = in.readInt();
            Map<String, String> map = new TreeMap<>();
            for (int i = 0; i < size; i++) {
                map.put(string(in), string(in));
            }
            return map;
        }

        private static void string(DataOutputStream out, String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }

        private static String string(DataInputStream in) throws IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
