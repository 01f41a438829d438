package org.citytwin.model.asset;

import org.citytwin.model.CitySource;
import org.citytwin.model.Durations;
import org.citytwin.model.yaml.YamlNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** All asset types of a city, loaded from {@code asset-types.yaml}; rejected as a whole on any error. */
public final class AssetTypes implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    /** Names the CEL environments reserve for the reading itself. */
    private static final List<String> RESERVED = List.of("value", "online", "asset_id", "asset_type");

    private final Map<String, AssetType> types;

    public AssetTypes(Map<String, AssetType> types) {
        this.types = Map.copyOf(types);
    }

    public static AssetTypes load(String cityOrDir) {
        return load(CitySource.of(cityOrDir));
    }

    public static AssetTypes load(CitySource src) {
        try (InputStream in = src.open(CitySource.ASSET_TYPES)) {
            List<String> dup = new ArrayList<>();
            YamlNode root = YamlNode.parse(in, dup);
            return parse(root, src.display(CitySource.ASSET_TYPES), dup);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public AssetType get(String name) { return types.get(name); }

    public boolean contains(String name) { return types.containsKey(name); }

    public Collection<AssetType> all() {
        List<AssetType> l = new ArrayList<>(types.values());
        l.sort((a, b) -> a.name().compareTo(b.name()));
        return l;
    }

    public int size() { return types.size(); }

    static AssetTypes parse(YamlNode root, String file, List<String> duplicateKeys) {
        List<String> errors = new ArrayList<>();
        for (String d : duplicateKeys) {
            errors.add(file + ":" + d.replaceFirst(": ", ": duplicate key '") + "'");
        }
        Map<String, AssetType> out = new LinkedHashMap<>();
        YamlNode types = root.get("types");
        if (types == null || !types.isMap()) {
            errors.add(file + ":" + root.line() + ": missing map 'types'");
        } else {
            for (Map.Entry<String, YamlNode> e : types.entries().entrySet()) {
                AssetType t = type(e.getKey(), e.getValue(), file, errors);
                if (t != null) {
                    out.put(t.name(), t);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("asset types rejected (" + errors.size() + " errors):\n  "
                    + String.join("\n  ", errors));
        }
        return new AssetTypes(out);
    }

    private static AssetType type(String name, YamlNode n, String file, List<String> errors) {
        String where = file + ":" + n.line() + ": asset type " + name + ": ";
        if (!NAME.matcher(name).matches()) {
            errors.add(where + "name must be snake_case");
        }
        long silence = Durations.parseMs(n.text("silence", "15m"));
        if (silence <= 0) {
            errors.add(where + "bad silence timeout '" + n.text("silence", "") + "'");
        }
        Map<String, AttributeDef> attrs = attributes(n.get("attributes"), file, name, errors);
        Map<String, MetricDef> metrics = new LinkedHashMap<>();
        YamlNode ms = n.get("metrics");
        for (YamlNode m : ms == null ? List.<YamlNode>of() : ms.items()) {
            String mn = m.text("name", null);
            String w = file + ":" + m.line() + ": asset type " + name + ", metric " + mn + ": ";
            MetricKind kind;
            try {
                kind = MetricKind.valueOf(m.text("kind", "gauge").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                errors.add(w + "kind must be gauge or counter");
                continue;
            }
            double res = m.number("resolution", Double.NaN);
            if (mn == null || !NAME.matcher(mn).matches()) {
                errors.add(w + "metric name must be snake_case");
            } else if (kind == MetricKind.EVENT) {
                errors.add(w + "events are declared under 'events', not as metrics");
            } else if (!(res > 0)) {
                errors.add(w + "resolution must be a positive number");
            } else if (m.text("unit", null) == null) {
                errors.add(w + "missing unit");
            } else if (metrics.containsKey(mn)) {
                errors.add(w + "duplicate metric");
            } else {
                double[] range = range(m, kind == MetricKind.COUNTER ? 0 : Double.NEGATIVE_INFINITY, w, errors);
                metrics.put(mn, new MetricDef(mn, m.text("zh", mn), m.text("en", mn), m.text("unit", null), kind, res,
                        range[0], range[1], sim(m.get("sim"))));
            }
        }
        Map<String, EventKindDef> events = new LinkedHashMap<>();
        YamlNode es = n.get("events");
        for (YamlNode e : es == null ? List.<YamlNode>of() : es.items()) {
            String en = e.text("name", null);
            if (en == null || !NAME.matcher(en).matches()) {
                errors.add(file + ":" + e.line() + ": asset type " + name + ": event name must be snake_case");
                continue;
            }
            Map<String, AttributeDef> ea = attributes(e.get("attributes"), file, name + " event " + en, errors);
            for (String a : ea.keySet()) {
                if (attrs.containsKey(a)) {
                    errors.add(file + ":" + e.line() + ": asset type " + name + ", event " + en + ": attribute '" + a
                            + "' shadows the asset attribute of the same name");
                }
            }
            events.put(en, new EventKindDef(en, e.text("zh", en), e.text("en", en), ea, sim(e.get("sim"))));
        }
        if (metrics.isEmpty() && events.isEmpty()) {
            errors.add(where + "declares no metrics and no events");
        }
        return new AssetType(name, n.text("zh", name), n.text("en", name), n.text("category", ""), metrics, events,
                attrs, silence, n.number("density", 1), (int) n.number("interval", 300));
    }

    private static Map<String, AttributeDef> attributes(YamlNode list, String file, String owner, List<String> errors) {
        Map<String, AttributeDef> out = new LinkedHashMap<>();
        for (YamlNode a : list == null ? List.<YamlNode>of() : list.items()) {
            String an = a.text("name", null);
            String w = file + ":" + a.line() + ": " + owner + ", attribute " + an + ": ";
            AttributeType t;
            try {
                t = AttributeType.valueOf(a.text("type", "number").toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                errors.add(w + "type must be number, string or bool");
                continue;
            }
            double res = a.number("resolution", t == AttributeType.NUMBER ? Double.NaN : 0);
            if (an == null || !NAME.matcher(an).matches() || RESERVED.contains(an)) {
                errors.add(w + "name must be snake_case and not one of " + RESERVED);
            } else if (t == AttributeType.NUMBER && (!(res > 0) || a.text("unit", null) == null)) {
                errors.add(w + "a number attribute needs a unit and a positive resolution");
            } else {
                double[] range = range(a, Double.NEGATIVE_INFINITY, w, errors);
                out.put(an, new AttributeDef(an, t, a.text("unit", null), res, range[0], range[1], a.texts("values"),
                        sim(a.get("sim"))));
            }
        }
        return out;
    }

    /** The declared {@code range: [min, max]}, or {@code [dfltMin, +inf]}. */
    private static double[] range(YamlNode n, double dfltMin, String where, List<String> errors) {
        YamlNode r = n.get("range");
        if (r == null) {
            return new double[] {dfltMin, Double.POSITIVE_INFINITY};
        }
        if (!r.isList() || r.items().size() != 2) {
            errors.add(where + "range must be [min, max]");
            return new double[] {dfltMin, Double.POSITIVE_INFINITY};
        }
        double min = r.items().get(0).asNumber();
        double max = r.items().get(1).asNumber();
        if (!(min <= max)) {
            errors.add(where + "range must be [min, max] with min <= max");
        }
        return new double[] {min, max};
    }

    private static Simulation sim(YamlNode s) {
        if (s == null) {
            return Simulation.NONE;
        }
        return new Simulation(s.number("base", 0), s.number("amp", 0), s.text("profile", "flat"),
                s.number("noise", 0), s.number("min", 0), s.number("max", Double.MAX_VALUE),
                s.number("weekend", 1), s.number("storm", 0));
    }
}
