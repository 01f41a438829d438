package org.citytwin.jobs.sink.notify;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * What receivers are told about one alert transition, whatever their format: the label set that
 * identifies the alert, its bilingual annotations, {@code status} firing or resolved, when it
 * started and (if resolved) ended, in epoch ms of event time, and a link to its dashboard. The
 * fingerprint is Alertmanager's own (64-bit FNV-1a over the sorted labels), so the same alert has
 * the same fingerprint in every repeat, every restart and in Alertmanager's API.
 */
public record Notification(String status, Map<String, String> labels, Map<String, String> annotations,
        long startsAt, long endsAt, String generatorUrl) implements Serializable {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public Notification {
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
    }

    public boolean firing() {
        return FIRING.equals(status);
    }

    public String fingerprint() {
        return fingerprint(labels);
    }

    /** Alertmanager's {@code model.LabelSet.Fingerprint()}: FNV-1a 64 over name, 0xff, value, 0xff in name order. */
    static String fingerprint(Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            hash = add(hash, label.getKey());
            hash = addByte(hash, (byte) 0xff);
            hash = add(hash, label.getValue());
            hash = addByte(hash, (byte) 0xff);
        }
        return String.format("%016x", hash);
    }

    private static long add(long hash, String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            hash = addByte(hash, b);
        }
        return hash;
    }

    private static long addByte(long hash, byte b) {
        return (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
}
