package org.citytwin.model.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.citytwin.model.Durations;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.AreaLevel;
import org.citytwin.model.topology.CityTopology;
import org.citytwin.model.yaml.YamlNode;

/**
 * Reads a scenario file (YAML, through Jackson with line numbers) into a {@link Scenario}, checked
 * against the city's asset types and topology. The file is rejected as a whole, with every error
 * found as {@code file:line: what is wrong}, like the catalog.
 */
public final class ScenarioLoader {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final Set<String> TOP = Set.of("scenario", "zh", "en", "description", "seed", "start", "duration",
            "districts", "streets", "readings", "events");
    private static final Set<String> READING = Set.of("asset", "metric", "from", "to", "shape", "every", "noise",
            "start", "duration", "districts", "streets");
    private static final Set<String> EVENT = Set.of("asset", "event", "rate", "per", "shape", "attributes",
            "start", "duration", "districts", "streets");

    private final AssetTypes types;
    private final CityTopology topology;

    public ScenarioLoader(AssetTypes types, CityTopology topology) {
        this.types = types;
        this.topology = topology;
    }

    public Scenario load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and checks one scenario document; {@code file} names it in errors. */
    public Scenario read(InputStream in, String file) throws IOException {
        List<String> errors = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        YamlNode root;
        try {
            root = YamlNode.parse(in, duplicates);
        } catch (IOException e) {
            throw new ScenarioException(List.of(file + ": not YAML: " + e.getMessage()));
        }
        for (String d : duplicates) {
            errors.add(file + ":" + d.replaceFirst(": ", ": duplicate key '") + "'");
        }
        if (!root.isMap()) {
            throw new ScenarioException(List.of(file + ":" + root.line() + ": a scenario is a map (scenario, start, duration, readings, events)"));
        }
        String where = file + ":" + root.line() + ": ";
        String id = root.text("scenario", null);
        if (id == null || !ID.matcher(id).matches()) {
            errors.add(where + "'scenario' must name the scenario (letters, digits, '-' and '_'), e.g. scenario: typhoon");
            id = "?";
        }
        String label = "scenario " + id + ": ";
        unknownKeys(root, TOP, file, label, errors);
        double seed = root.number("seed", 1);
        if (!(seed == Math.rint(seed)) || Math.abs(seed) > 1e15) {
            errors.add(at(file, root.get("seed")) + label + "seed must be a whole number");
        }
        YamlNode startNode = root.get("start");
        long startOffset = 0;
        Instant startAt = null;
        if (startNode == null || startNode.text() == null) {
            errors.add(where + label + "missing 'start': a duration after the replay's --from (30m, 2h) or an ISO-8601 instant");
        } else {
            long offset = offset(startNode.text());
            if (offset >= 0) {
                startOffset = offset;
            } else {
                try {
                    startAt = Instant.parse(startNode.text());
                } catch (DateTimeParseException e) {
                    errors.add(at(file, startNode) + label + "start '" + startNode.text()
                            + "' is neither a duration after --from (30m, 2h) nor an ISO-8601 instant (2025-07-01T08:00:00Z)");
                }
            }
        }
        long duration = minutes(root.get("duration"), file, label + "duration", errors);
        if (root.get("duration") == null) {
            errors.add(where + label + "missing 'duration' (whole minutes: 90m, 6h)");
        }
        ScenarioScope whole = new ScenarioScope(0, duration, areas(root, "districts", AreaLevel.DISTRICT, file, label, errors),
                areas(root, "streets", AreaLevel.STREET, file, label, errors));

        List<ReadingOverlay> readings = new ArrayList<>();
        for (YamlNode r : list(root, "readings", file, label, errors)) {
            ReadingOverlay reading = reading(r, whole, file, label, errors);
            if (reading != null) {
                readings.add(reading);
            }
        }
        List<EventOverlay> events = new ArrayList<>();
        for (YamlNode e : list(root, "events", file, label, errors)) {
            EventOverlay event = event(e, whole, file, label, errors);
            if (event != null) {
                events.add(event);
            }
        }
        if (root.get("readings") == null && root.get("events") == null) {
            errors.add(where + label + "adds nothing: give 'readings' or 'events'");
        }
        if (!errors.isEmpty()) {
            throw new ScenarioException(byLine(errors, file));
        }
        return new Scenario(file, id, root.text("zh", id), root.text("en", id), (long) seed, startOffset, startAt,
                duration, readings, events);
    }

    private ReadingOverlay reading(YamlNode r, ScenarioScope whole, String file, String label, List<String> errors) {
        if (!r.isMap()) {
            errors.add(at(file, r) + label + "a reading overlay is a map (asset, metric, from, to, shape, every)");
            return null;
        }
        int before = errors.size();
        unknownKeys(r, READING, file, label, errors);
        String w = at(file, r) + label + "readings of " + r.text("asset", "?") + "." + r.text("metric", "?") + ": ";
        AssetType type = assetType(r, w, errors);
        MetricDef metric = null;
        String metricName = r.text("metric", null);
        if (type != null) {
            metric = metricName == null ? null : type.metric(metricName);
            if (metric == null) {
                errors.add(w + (metricName == null ? "missing 'metric'" : "asset type " + type.name() + " has no metric '"
                        + metricName + "'") + " (its metrics: " + String.join(", ", type.metrics().keySet()) + ")");
            } else if (metric.kind() == MetricKind.COUNTER) {
                errors.add(w + metricName + " is a counter (a cumulative total): a synthetic total would be read against the"
                        + " asset's own history total as one huge increment or a reset; overlay a gauge or an event instead");
                metric = null;
            }
        }
        double from = required(r, "from", w, errors);
        double to = required(r, "to", w, errors);
        if (metric != null) {
            for (String k : List.of("from", "to")) {
                double v = r.number(k, Double.NaN);
                if (!Double.isNaN(v) && !metric.inRange(v)) {
                    errors.add(at(file, r.get(k)) + label + k + " " + r.text(k, "") + " is outside " + metricName
                            + "'s range " + metric.rangeText() + " " + metric.unit());
                }
            }
        }
        ScenarioShape shape = shape(r, w, errors);
        long every = r.get("every") == null ? 60_000 : Durations.parseMs(r.text("every", ""));
        if (every <= 0) {
            errors.add(at(file, r.get("every")) + label + "every '" + r.text("every", "") + "' is not a positive duration (1m, 30s)");
        }
        double noise = r.number("noise", 0);
        if (!(noise >= 0)) {
            errors.add(at(file, r.get("noise")) + label + "noise must be a number >= 0 (the standard deviation, in " +
                    (metric == null ? "the metric's unit" : metric.unit()) + ")");
        }
        ScenarioScope scope = scope(r, whole, file, label, errors);
        if (errors.size() > before) {
            return null;
        }
        return new ReadingOverlay(r.line(), type.name(), metricName, from, to, shape, every, noise, scope);
    }

    private EventOverlay event(YamlNode e, ScenarioScope whole, String file, String label, List<String> errors) {
        if (!e.isMap()) {
            errors.add(at(file, e) + label + "an event overlay is a map (asset, event, rate, per, shape, attributes)");
            return null;
        }
        int before = errors.size();
        unknownKeys(e, EVENT, file, label, errors);
        String w = at(file, e) + label + "events " + e.text("asset", "?") + "." + e.text("event", "?") + ": ";
        AssetType type = assetType(e, w, errors);
        EventKindDef kind = null;
        String kindName = e.text("event", null);
        if (type != null) {
            kind = kindName == null ? null : type.event(kindName);
            if (kind == null) {
                errors.add(w + (kindName == null ? "missing 'event'" : "asset type " + type.name() + " has no event '"
                        + kindName + "'") + " (its events: " + String.join(", ", type.events().keySet()) + ")");
            }
        }
        double rate = required(e, "rate", w, errors);
        if (!Double.isNaN(rate) && !(rate > 0)) {
            errors.add(at(file, e.get("rate")) + label + "rate must be a positive number of events per minute");
        }
        EventOverlay.Per per = null;
        String perText = e.text("per", "asset");
        for (EventOverlay.Per p : EventOverlay.Per.values()) {
            if (p.name().toLowerCase(Locale.ROOT).equals(perText)) {
                per = p;
            }
        }
        if (per == null) {
            errors.add(at(file, e.get("per")) + label + "per '" + perText + "' must be asset, street or district");
        }
        ScenarioShape shape = shape(e, w, errors);
        Map<String, Object> attributes = new LinkedHashMap<>();
        YamlNode attrs = e.get("attributes");
        if (attrs != null && !attrs.isMap()) {
            errors.add(at(file, attrs) + label + "attributes is a map of attribute name to value");
        } else if (attrs != null && kind != null) {
            for (Map.Entry<String, YamlNode> a : attrs.entries().entrySet()) {
                Object value = attribute(kind, a.getKey(), a.getValue(), at(file, a.getValue()) + label + "event "
                        + kind.name() + ", attribute " + a.getKey() + ": ", errors);
                if (value != null) {
                    attributes.put(a.getKey(), value);
                }
            }
        }
        ScenarioScope scope = scope(e, whole, file, label, errors);
        if (errors.size() > before) {
            return null;
        }
        return new EventOverlay(e.line(), type.name(), kindName, rate, per, shape, attributes, scope);
    }

    /** A fixed event attribute, checked like the parser checks a record's; null when wrong (error added). */
    private static Object attribute(EventKindDef kind, String name, YamlNode value, String w, List<String> errors) {
        AttributeDef def = kind.attributes().get(name);
        if (def == null) {
            errors.add(w + "event " + kind.name() + " has no such attribute (its attributes: "
                    + String.join(", ", kind.attributeNames()) + ")");
            return null;
        }
        Object raw = value.value();
        switch (def.type()) {
            case NUMBER:
                double v = value.isScalar() && raw instanceof Number n ? n.doubleValue() : Double.NaN;
                if (Double.isNaN(v)) {
                    errors.add(w + "must be a number (" + def.unit() + ")");
                    return null;
                }
                if (!def.inRange(v)) {
                    errors.add(w + raw + " is outside its range " + def.rangeText() + " " + def.unit());
                    return null;
                }
                return def.quantize(v);
            case BOOL:
                if (!(raw instanceof Boolean)) {
                    errors.add(w + "must be true or false");
                    return null;
                }
                return raw;
            default:
                String s = value.text();
                if (s == null || !value.isScalar()) {
                    errors.add(w + "must be a text");
                    return null;
                }
                if (!def.values().isEmpty() && !def.values().contains(s)) {
                    errors.add(w + "'" + s + "' is not one of " + def.values());
                    return null;
                }
                return s;
        }
    }

    private AssetType assetType(YamlNode n, String w, List<String> errors) {
        String name = n.text("asset", null);
        if (name == null) {
            errors.add(w + "missing 'asset' (an asset type, e.g. rain_gauge)");
            return null;
        }
        AssetType type = types.get(name);
        if (type == null) {
            errors.add(w + "unknown asset type '" + name + "'");
        }
        return type;
    }

    private static double required(YamlNode n, String key, String w, List<String> errors) {
        if (n.get(key) == null) {
            errors.add(w + "missing '" + key + "'");
            return Double.NaN;
        }
        double v = n.number(key, Double.NaN);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            errors.add(w + key + " '" + n.text(key, "") + "' is not a number");
            return Double.NaN;
        }
        return v;
    }

    private static ScenarioShape shape(YamlNode n, String w, List<String> errors) {
        String text = n.text("shape", "hold");
        ScenarioShape shape = ScenarioShape.named(text);
        if (shape == null) {
            errors.add(w + "shape '" + text + "' must be ramp, peak or hold");
        }
        return shape;
    }

    /** An entry's own window (offsets inside the scenario's) and areas, defaulting to the scenario's. */
    private ScenarioScope scope(YamlNode n, ScenarioScope whole, String file, String label, List<String> errors) {
        long offset = 0;
        if (n.get("start") != null) {
            offset = offset(n.text("start", ""));
            if (offset < 0) {
                errors.add(at(file, n.get("start")) + label + "an entry's start '" + n.text("start", "")
                        + "' is a duration after the scenario's start (0m, 45m)");
                offset = 0;
            }
        }
        long duration = n.get("duration") == null ? whole.durationMs() - offset
                : minutes(n.get("duration"), file, label + "duration", errors);
        if (offset % 60_000 != 0) {
            errors.add(at(file, n.get("start")) + label + "an entry's start must be whole minutes");
        }
        if (whole.durationMs() > 0 && (duration <= 0 || offset + duration > whole.durationMs())) {
            errors.add(at(file, n) + label + "the entry's window (start " + Durations.format(Math.max(1, offset))
                    + ", duration " + (duration > 0 ? Durations.format(duration) : "none") + ") is not inside the scenario's "
                    + (whole.durationMs() > 0 ? Durations.format(whole.durationMs()) : "window"));
        }
        List<String> districts = areas(n, "districts", AreaLevel.DISTRICT, file, label, errors);
        List<String> streets = areas(n, "streets", AreaLevel.STREET, file, label, errors);
        if (districts.isEmpty() && streets.isEmpty()) {
            districts = whole.districts();
            streets = whole.streets();
        }
        return new ScenarioScope(offset, duration, districts, streets);
    }

    /** Area codes (or English or Chinese names) of one level; errors for unknown ones. */
    private List<String> areas(YamlNode n, String key, AreaLevel level, String file, String label, List<String> errors) {
        List<String> codes = new ArrayList<>();
        YamlNode list = n.get(key);
        if (list == null) {
            return codes;
        }
        if (!list.isList()) {
            errors.add(at(file, list) + label + key + " is a list of area codes or names");
            return codes;
        }
        for (YamlNode item : list.items()) {
            String text = item.text();
            Area area = text == null ? null : find(text, level);
            if (area == null) {
                errors.add(at(file, item) + label + key + ": no " + level.name().toLowerCase(Locale.ROOT) + " '" + text
                        + "' in the city (give its code or its name)");
            } else {
                codes.add(area.code());
            }
        }
        return codes;
    }

    private Area find(String text, AreaLevel level) {
        for (Area a : topology.all()) {
            if (a.level() == level && (a.code().equals(text) || text.equals(a.en()) || text.equals(a.zh()))) {
                return a;
            }
        }
        return null;
    }

    /** A whole number of minutes, as a positive duration; 0 after an error. */
    private static long minutes(YamlNode n, String file, String what, List<String> errors) {
        if (n == null) {
            return 0;
        }
        long ms = Durations.parseMs(n.text());
        if (ms <= 0 || ms % 60_000 != 0) {
            errors.add(at(file, n) + what + " '" + n.text() + "' must be a positive whole number of minutes (90m, 6h)");
            return 0;
        }
        return ms;
    }

    /** A duration of zero or more ({@code 0}, {@code 0m}, {@code 45m}), or -1. */
    private static long offset(String text) {
        if (text == null) {
            return -1;
        }
        if (text.trim().matches("0+(ms|s|m|h|d)?")) {
            return 0;
        }
        return Durations.parseMs(text);
    }

    private static List<YamlNode> list(YamlNode root, String key, String file, String label, List<String> errors) {
        YamlNode n = root.get(key);
        if (n == null) {
            return List.of();
        }
        if (!n.isList()) {
            errors.add(at(file, n) + label + key + " is a list");
            return List.of();
        }
        return n.items();
    }

    private static void unknownKeys(YamlNode n, Set<String> allowed, String file, String label, List<String> errors) {
        for (Map.Entry<String, YamlNode> e : n.entries().entrySet()) {
            if (!allowed.contains(e.getKey())) {
                errors.add(at(file, e.getValue()) + label + "unknown key '" + e.getKey() + "' (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    /** The errors in the order of their lines (stable: one line's errors stay in the order found). */
    private static List<String> byLine(List<String> errors, String file) {
        List<String> sorted = new ArrayList<>(errors);
        sorted.sort(java.util.Comparator.comparingInt(e -> {
            String rest = e.substring(file.length() + 1);
            int colon = rest.indexOf(':');
            try {
                return Integer.parseInt(rest.substring(0, colon));
            } catch (RuntimeException notALine) {
                return 0;
            }
        }));
        return sorted;
    }

    private static String at(String file, YamlNode n) {
        return file + ":" + (n == null ? 1 : n.line()) + ": ";
    }
}
