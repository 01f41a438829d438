package org.citytwin.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.asset.MetricDef;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and validates one feed record (docs/event-format.md). Never throws: every problem is a
 * {@link Rejection}. Readings and numeric attributes are quantized to their declared resolution.
 *
 * <p>A record is checked in stages — size, JSON syntax, keys, shape, required fields, time, asset,
 * names, values — and all of a stage's checks run before the next stage; when a record has several
 * faults, the reason earliest in {@link RejectReason}'s order wins, so the reason is a function of
 * the bytes alone (not of map iteration or of which fault the parser happened to meet first).
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 2L;
    /** 2000-01-01T00:00:00Z. */
    public static final long DEFAULT_MIN_TIME = 946_684_800_000L;
    /** 2100-01-01T00:00:00Z. */
    public static final long DEFAULT_MAX_TIME = 4_102_444_800_000L;
    public static final int DEFAULT_MAX_BYTES = 16 * 1024;
    /** How far ahead of the wall clock an event time may be before it is FUTURE. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
            .build();

    private final AssetTypes types;
    private final AssetRegistry registry;
    private final int maxBytes;
    private final long minTime;
    private final long maxTime;
    private final long maxFutureSkewMs;
    private final Clock clock;

    public EventParser(AssetTypes types, AssetRegistry registry) {
        this(types, registry, DEFAULT_MAX_BYTES, DEFAULT_MIN_TIME, DEFAULT_MAX_TIME);
    }

    public EventParser(AssetTypes types, AssetRegistry registry, int maxBytes, long minTime, long maxTime) {
        this(types, registry, maxBytes, minTime, maxTime, DEFAULT_MAX_FUTURE_SKEW, Clock.systemUTC());
    }

    /**
     * @param maxFutureSkew event times more than this ahead of {@code clock} are rejected as FUTURE:
     *     one such record would move its partition's watermark and make every later record LATE
     */
    public EventParser(AssetTypes types, AssetRegistry registry, int maxBytes, long minTime, long maxTime,
            Duration maxFutureSkew, Clock clock) {
        this.types = types;
        this.registry = registry;
        this.maxBytes = maxBytes;
        this.minTime = minTime;
        this.maxTime = maxTime;
        this.maxFutureSkewMs = maxFutureSkew.toMillis();
        this.clock = clock;
    }

    /** Parses one record; never throws. */
    public ParseResult parse(byte[] bytes) {
        if (bytes == null) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "null record");
        }
        if (bytes.length > maxBytes) {
            return ParseResult.reject(RejectReason.TOO_LARGE, bytes.length + " bytes > max " + maxBytes);
        }
        if (bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "UTF-8 byte order mark before the record");
        }
        RawRecord raw;
        try {
            raw = read(bytes);
        } catch (Exception | StackOverflowError e) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (raw.notAnObject) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "record is not a JSON object");
        }
        if (raw.faults.any()) {
            return raw.faults.result();
        }
        return validate(raw);
    }

    /** The record's fields as read, with the faults of the key and shape stages. */
    private static final class RawRecord {
        final Faults faults = new Faults();
        boolean notAnObject;
        String id;
        String asset;
        Long time;
        String kind;
        Map<String, Object> readings;
        Map<String, Object> attrs;
    }

    /** Reads the whole record (so that every key and shape fault is seen); throws only on bad JSON syntax. */
    private static RawRecord read(byte[] bytes) throws Exception {
        RawRecord r = new RawRecord();
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                r.notAnObject = true;
                return r;
            }
            java.util.Set<String> keys = new java.util.HashSet<>();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (!keys.add(f)) {
                    r.faults.add(RejectReason.DUPLICATE_KEY, "key '" + f + "' appears twice");
                }
                switch (f) {
                    case "id" -> r.id = text(p, v, "id", r.faults);
                    case "asset" -> r.asset = text(p, v, "asset", r.faults);
                    case "event" -> r.kind = text(p, v, "event", r.faults);
                    case "ts" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            wrong("ts", "an integer (epoch ms)", v, r.faults);
                            p.skipChildren();
                        } else if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            r.faults.add(RejectReason.TIME_OUT_OF_RANGE, "ts " + p.getText() + " does not fit epoch ms");
                        } else {
                            r.time = p.getLongValue();
                        }
                    }
                    case "readings" -> r.readings = flatObject(p, v, "readings", true, r.faults);
                    case "attrs" -> r.attrs = flatObject(p, v, "attrs", false, r.faults);
                    default -> {
                        r.faults.add(RejectReason.UNKNOWN_FIELD, "unknown field '" + f + "'");
                        p.skipChildren();
                    }
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IllegalStateException("unexpected " + t);
            }
            if (p.nextToken() != null) {
                throw new IllegalStateException("trailing content after the record");
            }
        }
        return r;
    }

    private static String text(JsonParser p, JsonToken v, String field, Faults faults) throws Exception {
        if (v != JsonToken.VALUE_STRING) {
            wrong(field, "a string", v, faults);
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    /**
     * Reads a one-level object of scalars in document order; numbers become Double (Infinity when
     * too big). Nested values, and for readings anything but numbers, are WRONG_TYPE.
     */
    private static Map<String, Object> flatObject(JsonParser p, JsonToken start, String field, boolean numbersOnly,
            Faults faults) throws Exception {
        if (start != JsonToken.START_OBJECT) {
            wrong(field, "an object", start, faults);
            p.skipChildren();
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            Object o = switch (v) {
                // Parse the text: 1e999 becomes Infinity (rejected as NON_FINITE), not an error.
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> Double.parseDouble(p.getText());
                case VALUE_STRING -> p.getText();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> null;
            };
            if (o == null) {
                faults.add(RejectReason.WRONG_TYPE, field + " values must be "
                        + (numbersOnly ? "numbers" : "numbers, strings or booleans") + ", '" + k + "' is " + v);
                p.skipChildren();
            } else if (numbersOnly && !(o instanceof Double)) {
                faults.add(RejectReason.WRONG_TYPE, "reading '" + k + "' must be a number");
            }
            if (m.containsKey(k)) {
                faults.add(RejectReason.DUPLICATE_KEY, "key '" + k + "' appears twice in '" + field + "'");
            }
            m.put(k, o);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected " + t);
        }
        return m;
    }

    /** The stages after the record was read: required fields, time, asset, names, values. */
    private ParseResult validate(RawRecord raw) {
        if (raw.asset == null) return ParseResult.reject(RejectReason.MISSING_FIELD, "missing 'asset'");
        if (raw.time == null) return ParseResult.reject(RejectReason.MISSING_FIELD, "missing 'ts'");
        if (raw.readings == null && raw.kind == null) {
            return ParseResult.reject(RejectReason.MISSING_FIELD, "needs 'readings' or 'event'");
        }
        if (raw.readings != null && raw.kind != null) {
            return ParseResult.reject(RejectReason.WRONG_TYPE, "has both 'readings' and 'event'");
        }
        if (raw.readings != null && raw.readings.isEmpty()) {
            return ParseResult.reject(RejectReason.MISSING_FIELD, "empty 'readings'");
        }
        long time = raw.time;
        if (time < minTime || time > maxTime) {
            return ParseResult.reject(RejectReason.TIME_OUT_OF_RANGE, "ts " + time + " outside [" + minTime + ", " + maxTime + "]");
        }
        long now = clock.millis();
        if (time > now + maxFutureSkewMs) {
            return ParseResult.reject(RejectReason.FUTURE, "ts " + time + " is " + (time - now)
                    + " ms ahead of the clock (max " + maxFutureSkewMs + " ms)");
        }
        Asset a = registry.get(raw.asset);
        if (a == null) return ParseResult.reject(RejectReason.UNKNOWN_ASSET, "unknown asset '" + raw.asset + "'");
        AssetType type = types.get(a.type());
        if (type == null) return ParseResult.reject(RejectReason.UNKNOWN_ASSET, "asset '" + raw.asset + "' has unknown type '" + a.type() + "'");
        return raw.kind == null ? readings(raw, type) : event(raw, type);
    }

    private static ParseResult readings(RawRecord raw, AssetType type) {
        Faults faults = new Faults();
        Map<String, Double> readings = new HashMap<>(raw.readings.size() * 2);
        for (Map.Entry<String, Object> e : raw.readings.entrySet()) {
            MetricDef m = type.metric(e.getKey());
            double d = (Double) e.getValue();
            if (m == null) {
                faults.add(RejectReason.UNKNOWN_METRIC, "asset type " + type.name() + " has no metric '" + e.getKey() + "'");
            } else if (!Double.isFinite(d)) {
                faults.add(RejectReason.NON_FINITE, "reading '" + e.getKey() + "' is not finite");
            } else if (!m.inRange(d)) {
                faults.add(RejectReason.OUT_OF_RANGE, "reading '" + e.getKey() + "' = " + d + " outside " + m.rangeText());
            } else {
                readings.put(e.getKey(), m.quantize(d));
            }
        }
        return faults.any() ? faults.result()
                : ParseResult.ok(new Event(raw.id, raw.asset, raw.time, Map.copyOf(readings), null, Map.of()));
    }

    private static ParseResult event(RawRecord raw, AssetType type) {
        EventKindDef ek = type.event(raw.kind);
        if (ek == null) {
            return ParseResult.reject(RejectReason.UNKNOWN_EVENT_KIND, "asset type " + type.name() + " has no event kind '" + raw.kind + "'");
        }
        Faults faults = new Faults();
        Map<String, Object> attrs = new HashMap<>();
        Map<String, Object> given = raw.attrs == null ? Map.of() : raw.attrs;
        for (Map.Entry<String, Object> e : given.entrySet()) {
            AttributeDef ad = ek.attributes().get(e.getKey());
            if (ad == null) {
                faults.add(RejectReason.UNKNOWN_ATTRIBUTE, "event " + raw.kind + " has no attribute '" + e.getKey() + "'");
                continue;
            }
            Object v = e.getValue();
            switch (ad.type()) {
                case NUMBER -> {
                    if (!(v instanceof Double d)) {
                        faults.add(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a number");
                    } else if (!Double.isFinite(d)) {
                        faults.add(RejectReason.NON_FINITE, "attribute '" + e.getKey() + "' is not finite");
                    } else if (!ad.inRange(d)) {
                        faults.add(RejectReason.OUT_OF_RANGE, "attribute '" + e.getKey() + "' = " + d + " outside "
                                + ad.rangeText());
                    } else {
                        attrs.put(e.getKey(), ad.quantize(d));
                    }
                }
                case STRING -> {
                    if (!(v instanceof String)) faults.add(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a string");
                    else attrs.put(e.getKey(), v);
                }
                default -> {
                    if (!(v instanceof Boolean)) faults.add(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a boolean");
                    else attrs.put(e.getKey(), v);
                }
            }
        }
        for (String required : ek.attributes().keySet()) {
            // Missing attributes are the last check: a record naming a wrong attribute has that fault.
            if (!faults.any() && !given.containsKey(required)) {
                faults.add(RejectReason.MISSING_FIELD, "event " + raw.kind + " misses attribute '" + required + "'");
            }
        }
        return faults.any() ? faults.result()
                : ParseResult.ok(new Event(raw.id, raw.asset, raw.time, Map.of(), raw.kind, Map.copyOf(attrs)));
    }

    private static void wrong(String field, String want, JsonToken got, Faults faults) {
        faults.add(RejectReason.WRONG_TYPE, "'" + field + "' must be " + want + ", got " + got);
    }

    /** The faults of one stage: keeps the one whose reason comes first in {@link RejectReason}, the first seen on a tie. */
    private static final class Faults {
        private RejectReason reason;
        private String detail;

        void add(RejectReason r, String d) {
            if (reason == null || r.ordinal() < reason.ordinal()) {
                reason = r;
                detail = d;
            }
        }

        boolean any() {
            return reason != null;
        }

        ParseResult result() {
            return ParseResult.reject(reason, detail);
        }
    }
}
