package org.citytwin.model.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML (or JSON) document tree where every node remembers the line it starts on, so that
 * catalog and data errors can be reported as {@code file:line}.
 */
public final class YamlNode {
    /** Node kinds. */
    public enum Kind { MAP, LIST, SCALAR }

    private static final YAMLFactory YAML = new YAMLFactory();

    private final Kind kind;
    private final int line;
    private final Object scalar;
    private final Map<String, YamlNode> map;
    private final List<YamlNode> list;

    private YamlNode(Kind kind, int line, Object scalar, Map<String, YamlNode> map, List<YamlNode> list) {
        this.kind = kind;
        this.line = line;
        this.scalar = scalar;
        this.map = map;
        this.list = list;
    }

    /** A scalar node built in code (used by template expansion). */
    public static YamlNode scalar(Object value, int line) {
        return new YamlNode(Kind.SCALAR, line, value, null, null);
    }

    /**
     * Parses one YAML document. Duplicate keys are reported to {@code duplicateKeys} as
     * "line: key" strings rather than silently overwritten.
     */
    public static YamlNode parse(InputStream in, List<String> duplicateKeys) throws IOException {
        try (JsonParser p = YAML.createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new YamlNode(Kind.MAP, 1, null, new LinkedHashMap<>(), null);
            }
            return read(p, duplicateKeys);
        }
    }

    private static int lineOf(JsonParser p) {
        JsonLocation loc = p.currentTokenLocation();
        return loc == null ? 0 : loc.getLineNr();
    }

    private static YamlNode read(JsonParser p, List<String> duplicateKeys) throws IOException {
        JsonToken t = p.currentToken();
        int line = lineOf(p);
        switch (t) {
            case START_OBJECT: {
                Map<String, YamlNode> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = lineOf(p);
                    p.nextToken();
                    YamlNode v = read(p, duplicateKeys);
                    if (m.containsKey(key)) {
                        duplicateKeys.add(keyLine + ": " + key);
                    }
                    m.put(key, v);
                }
                return new YamlNode(Kind.MAP, line, null, m, null);
            }
            case START_ARRAY: {
                List<YamlNode> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p, duplicateKeys));
                }
                return new YamlNode(Kind.LIST, line, null, null, l);
            }
            case VALUE_STRING:
                return scalar(p.getText(), line);
            case VALUE_NUMBER_INT:
                return scalar(p.getLongValue(), line);
            case VALUE_NUMBER_FLOAT:
                return scalar(p.getDoubleValue(), line);
            case VALUE_TRUE:
                return scalar(Boolean.TRUE, line);
            case VALUE_FALSE:
                return scalar(Boolean.FALSE, line);
            case VALUE_NULL:
                return scalar(null, line);
            default:
                throw new IOException("unexpected YAML token " + t + " at line " + line);
        }
    }

    public Kind kind() { return kind; }

    /** 1-based line where this node starts. */
    public int line() { return line; }

    public boolean isMap() { return kind == Kind.MAP; }

    public boolean isList() { return kind == Kind.LIST; }

    public boolean isScalar() { return kind == Kind.SCALAR; }

    /** The child under {@code key}, or null (also null when this is not a map). */
    public YamlNode get(String key) {
        return map == null ? null : map.get(key);
    }

    public boolean has(String key) {
        return map != null && map.containsKey(key);
    }

    /** Map entries in document order (empty when not a map). */
    public Map<String, YamlNode> entries() {
        return map == null ? Collections.emptyMap() : Collections.unmodifiableMap(map);
    }

    /** List items (a scalar or map is treated as a one-item list). */
    public List<YamlNode> items() {
        if (list != null) {
            return Collections.unmodifiableList(list);
        }
        return List.of(this);
    }

    /** The raw scalar value (String, Long, Double, Boolean or null). */
    public Object value() { return scalar; }

    /** Scalar as text, or null for non-scalars and null. */
    public String text() {
        return kind == Kind.SCALAR && scalar != null ? String.valueOf(scalar) : null;
    }

    /** Text of a child scalar, or {@code dflt}. */
    public String text(String key, String dflt) {
        YamlNode n = get(key);
        String s = n == null ? null : n.text();
        return s == null ? dflt : s;
    }

    /** Number of a child scalar, or {@code dflt}; NaN when present but not a number. */
    public double number(String key, double dflt) {
        YamlNode n = get(key);
        if (n == null || n.scalar == null) {
            return dflt;
        }
        return n.asNumber();
    }

    /** This scalar as a number, NaN when it is not one. */
    public double asNumber() {
        if (scalar instanceof Number) {
            return ((Number) scalar).doubleValue();
        }
        if (scalar instanceof String) {
            try {
                return Double.parseDouble((String) scalar);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    public boolean bool(String key, boolean dflt) {
        YamlNode n = get(key);
        if (n == null || n.scalar == null) {
            return dflt;
        }
        return Boolean.TRUE.equals(n.scalar) || "true".equals(n.scalar);
    }

    /** Child list of texts (a single scalar counts as one item). */
    public List<String> texts(String key) {
        YamlNode n = get(key);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        for (YamlNode i : n.items()) {
            if (i.text() != null) {
                out.add(i.text());
            }
        }
        return out;
    }
}
