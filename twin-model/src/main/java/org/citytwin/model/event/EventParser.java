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
import java.util.HashMap;
import java.util.Map;

/**
 * Parses and validates one feed record (docs/event-format.md). Never throws: every problem is a
 * {@link Rejection}. Readings and numeric attributes are quantized to their declared resolution.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** 2000-01-01T00:00:00Z. */
    public static final long DEFAULT_MIN_TIME = 946_684_800_000L;
    /** 2100-01-01T00:00:00Z. */
    public static final long DEFAULT_MAX_TIME = 4_102_444_800_000L;
    public static final int DEFAULT_MAX_BYTES = 16 * 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
            .build();

    private final AssetTypes types;
    private final AssetRegistry registry;
    private final int maxBytes;
    private final long minTime;
    private final long maxTime;

    public EventParser(AssetTypes types, AssetRegistry registry) {
        this(types, registry, DEFAULT_MAX_BYTES, DEFAULT_MIN_TIME, DEFAULT_MAX_TIME);
    }

    public EventParser(AssetTypes types, AssetRegistry registry, int maxBytes, long minTime, long maxTime) {
        this.types = types;
        this.registry = registry;
        this.maxBytes = maxBytes;
        this.minTime = minTime;
        this.maxTime = maxTime;
    }

    /** Parses one record; never throws. */
    public ParseResult parse(byte[] bytes) {
        if (bytes == null) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, "null record");
        }
        if (bytes.length > maxBytes) {
            return ParseResult.reject(RejectReason.TOO_LARGE, bytes.length + " bytes > max " + maxBytes);
        }
        try {
            return parseChecked(bytes);
        } catch (Exception | StackOverflowError e) {
            return ParseResult.reject(RejectReason.MALFORMED_JSON, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    private ParseResult parseChecked(byte[] bytes) throws Exception {
        String id = null;
        String asset = null;
        Long time = null;
        String kind = null;
        Map<String, Object> readingsRaw = null;
        Map<String, Object> attrsRaw = null;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return ParseResult.reject(RejectReason.MALFORMED_JSON, "record is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                switch (f) {
                    case "id":
                        if (v != JsonToken.VALUE_STRING) return wrong("id", "a string", v);
                        id = p.getText();
                        break;
                    case "asset":
                        if (v != JsonToken.VALUE_STRING) return wrong("asset", "a string", v);
                        asset = p.getText();
                        break;
                    case "ts":
                        if (v != JsonToken.VALUE_NUMBER_INT) return wrong("ts", "an integer (epoch ms)", v);
                        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            return ParseResult.reject(RejectReason.TIME_OUT_OF_RANGE, "ts " + p.getText() + " does not fit epoch ms");
                        }
                        time = p.getLongValue();
                        break;
                    case "event":
                        if (v != JsonToken.VALUE_STRING) return wrong("event", "a string", v);
                        kind = p.getText();
                        break;
                    case "readings":
                        if (v != JsonToken.START_OBJECT) return wrong("readings", "an object", v);
                        readingsRaw = flatObject(p);
                        if (readingsRaw == null) return ParseResult.reject(RejectReason.WRONG_TYPE, "readings values must be numbers");
                        break;
                    case "attrs":
                        if (v != JsonToken.START_OBJECT) return wrong("attrs", "an object", v);
                        attrsRaw = flatObject(p);
                        if (attrsRaw == null) return ParseResult.reject(RejectReason.WRONG_TYPE, "attrs values must be numbers, strings or booleans");
                        break;
                    default:
                        return ParseResult.reject(RejectReason.UNKNOWN_FIELD, "unknown field '" + f + "'");
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return ParseResult.reject(RejectReason.MALFORMED_JSON, "unexpected " + t);
            }
            if (p.nextToken() != null) {
                return ParseResult.reject(RejectReason.MALFORMED_JSON, "trailing content after the record");
            }
        }
        if (asset == null) return ParseResult.reject(RejectReason.MISSING_FIELD, "missing 'asset'");
        if (time == null) return ParseResult.reject(RejectReason.MISSING_FIELD, "missing 'ts'");
        if (readingsRaw == null && kind == null) {
            return ParseResult.reject(RejectReason.MISSING_FIELD, "needs 'readings' or 'event'");
        }
        if (readingsRaw != null && kind != null) {
            return ParseResult.reject(RejectReason.WRONG_TYPE, "has both 'readings' and 'event'");
        }
        if (time < minTime || time > maxTime) {
            return ParseResult.reject(RejectReason.TIME_OUT_OF_RANGE, "ts " + time + " outside [" + minTime + ", " + maxTime + "]");
        }
        Asset a = registry.get(asset);
        if (a == null) return ParseResult.reject(RejectReason.UNKNOWN_ASSET, "unknown asset '" + asset + "'");
        AssetType type = types.get(a.type());
        if (type == null) return ParseResult.reject(RejectReason.UNKNOWN_ASSET, "asset '" + asset + "' has unknown type '" + a.type() + "'");
        if (kind == null) {
            if (readingsRaw.isEmpty()) return ParseResult.reject(RejectReason.MISSING_FIELD, "empty 'readings'");
            Map<String, Double> readings = new HashMap<>(readingsRaw.size() * 2);
            for (Map.Entry<String, Object> e : readingsRaw.entrySet()) {
                MetricDef m = type.metric(e.getKey());
                if (m == null) {
                    return ParseResult.reject(RejectReason.UNKNOWN_METRIC, "asset type " + type.name() + " has no metric '" + e.getKey() + "'");
                }
                if (!(e.getValue() instanceof Double)) {
                    return ParseResult.reject(RejectReason.WRONG_TYPE, "reading '" + e.getKey() + "' must be a number");
                }
                double d = (Double) e.getValue();
                if (!Double.isFinite(d)) {
                    return ParseResult.reject(RejectReason.NON_FINITE, "reading '" + e.getKey() + "' is not finite");
                }
                readings.put(e.getKey(), m.quantize(d));
            }
            return ParseResult.ok(new Event(id, asset, time, Map.copyOf(readings), null, Map.of()));
        }
        EventKindDef ek = type.event(kind);
        if (ek == null) {
            return ParseResult.reject(RejectReason.UNKNOWN_EVENT_KIND, "asset type " + type.name() + " has no event kind '" + kind + "'");
        }
        Map<String, Object> attrs = new HashMap<>();
        if (attrsRaw != null) {
            for (Map.Entry<String, Object> e : attrsRaw.entrySet()) {
                AttributeDef ad = ek.attributes().get(e.getKey());
                if (ad == null) {
                    return ParseResult.reject(RejectReason.UNKNOWN_ATTRIBUTE, "event " + kind + " has no attribute '" + e.getKey() + "'");
                }
                Object v = e.getValue();
                switch (ad.type()) {
                    case NUMBER:
                        if (!(v instanceof Double)) return ParseResult.reject(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a number");
                        if (!Double.isFinite((Double) v)) return ParseResult.reject(RejectReason.NON_FINITE, "attribute '" + e.getKey() + "' is not finite");
                        v = java.math.BigDecimal.valueOf(Math.round((Double) e.getValue() / ad.resolution()))
                                .multiply(java.math.BigDecimal.valueOf(ad.resolution())).doubleValue();
                        break;
                    case STRING:
                        if (!(v instanceof String)) return ParseResult.reject(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a string");
                        break;
                    default:
                        if (!(v instanceof Boolean)) return ParseResult.reject(RejectReason.WRONG_TYPE, "attribute '" + e.getKey() + "' must be a boolean");
                }
                attrs.put(e.getKey(), v);
            }
        }
        for (String required : ek.attributes().keySet()) {
            if (!attrs.containsKey(required)) {
                return ParseResult.reject(RejectReason.MISSING_FIELD, "event " + kind + " misses attribute '" + required + "'");
            }
        }
        return ParseResult.ok(new Event(id, asset, time, Map.of(), kind, Map.copyOf(attrs)));
    }

    /** Reads a one-level object of scalars; numbers become Double (Infinity when too big); null on nested values. */
    private static Map<String, Object> flatObject(JsonParser p) throws Exception {
        Map<String, Object> m = new HashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            Object o;
            switch (v) {
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    // Parse the text: 1e999 becomes Infinity (rejected as NON_FINITE), not an error.
                    o = Double.parseDouble(p.getText());
                    break;
                case VALUE_STRING: o = p.getText(); break;
                case VALUE_TRUE: o = Boolean.TRUE; break;
                case VALUE_FALSE: o = Boolean.FALSE; break;
                default:
                    return null;
            }
            m.put(k, o);
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected " + t);
        }
        return m;
    }

    private static ParseResult wrong(String field, String want, JsonToken got) {
        return ParseResult.reject(RejectReason.WRONG_TYPE, "'" + field + "' must be " + want + ", got " + got);
    }
}
