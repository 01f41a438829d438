package org.citytwin.model.catalog;

import org.citytwin.model.CitySource;
import org.citytwin.model.Durations;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.AttributeType;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.topology.AreaLevel;
import org.citytwin.model.yaml.YamlNode;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads and validates the indicator catalog (one YAML file per category, see docs/catalog.md).
 * Every error is collected with file, line and indicator id; any error rejects the whole catalog.
 */
public final class CatalogLoader {
    /** Most figures a category's wall-screen tile shows. */
    public static final int MAX_HEADLINES = 4;
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> CEL_RESERVED = Set.of("in", "as", "break", "const", "continue", "else",
            "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void",
            "while", "true", "false", "null", "value", "online");
    private static final Set<String> INDICATOR_KEYS = Set.of("id", "zh", "en", "unit", "reads", "filter", "condition",
            "aggregation", "tick", "window", "levels", "alert", "formula", "resolution", "description", "headline", "offline");
    private static final List<String> ALERT_KEYS = List.of("on", "direction", "warning", "critical", "clear", "for",
            "levels");
    private static final Set<String> TEMPLATE_KEYS = Set.of("prefix", "asset", "assets", "metrics", "event", "events",
            "attributes", "aggregations", "filter", "tick", "window", "levels", "offline");
    private static final Set<String> SUBJECT_KEYS = Set.of("name", "zh", "en", "alert", "headline");

    private final AssetTypes types;
    private final Expressions expressions;
    private final List<CatalogError> errors = new ArrayList<>();
    private final Map<String, Integer> categoryLines = new HashMap<>();

    private CatalogLoader(AssetTypes types) {
        this.types = types;
        this.expressions = new Expressions(types);
    }

    /** Loads the catalog of a classpath city name or directory, with that city's asset types. */
    public static Catalog load(String cityOrDir) {
        CitySource src = CitySource.of(cityOrDir);
        return load(src, AssetTypes.load(src));
    }

    /** Loads {@code catalog/*.yaml} of {@code src}; throws {@link CatalogException} listing every error. */
    public static Catalog load(CitySource src, AssetTypes types) {
        List<String> files = src.catalogFiles();
        List<Source> sources = new ArrayList<>();
        for (String f : files) {
            sources.add(new Source(src.display(f), () -> src.open(f)));
        }
        return load(sources, types);
    }

    /** A catalog file: a display name and how to open it. */
    public record Source(String name, Opener opener) {
    }

    /** Opens a catalog file. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    public static Catalog load(List<Source> files, AssetTypes types) {
        return new CatalogLoader(types).run(files);
    }

    private void error(String file, int line, String id, String message) {
        errors.add(new CatalogError(file, line, id, message));
    }

    private Catalog run(List<Source> files) {
        List<Category> categories = new ArrayList<>();
        List<Draft> drafts = new ArrayList<>();
        Map<String, Category> categoryIds = new HashMap<>();
        if (files.isEmpty()) {
            error("catalog", 0, null, "no catalog files found");
        }
        for (Source f : files) {
            YamlNode root;
            List<String> dupKeys = new ArrayList<>();
            try (InputStream in = f.opener().open()) {
                root = YamlNode.parse(in, dupKeys);
            } catch (IOException | RuntimeException e) {
                String msg = String.valueOf(e.getMessage());
                int line = 0;
                java.util.regex.Matcher m = Pattern.compile("line: (\\d+)").matcher(msg);
                if (m.find()) {
                    line = Integer.parseInt(m.group(1));
                }
                error(f.name(), line, null, "YAML syntax error: " + msg.lines().findFirst().orElse(msg));
                continue;
            }
            for (String d : dupKeys) {
                int colon = d.indexOf(": ");
                error(f.name(), Integer.parseInt(d.substring(0, colon)), null, "duplicate key '" + d.substring(colon + 2) + "'");
            }
            String cat = root.text("category", null);
            if (cat == null || !ID.matcher(cat).matches()) {
                error(f.name(), root.line(), null, "missing or bad 'category' (snake_case id)");
                continue;
            }
            Category c = new Category(cat, root.text("zh", null), root.text("en", null), f.name());
            if (c.zh() == null || c.en() == null) {
                error(f.name(), root.line(), null, "category " + cat + " needs zh and en names");
            }
            if (categoryIds.containsKey(cat)) {
                error(f.name(), root.line(), null, "category " + cat + " is also defined in " + categoryIds.get(cat).file());
                continue;
            }
            categoryIds.put(cat, c);
            categoryLines.put(cat, root.get("category").line());
            categories.add(c);
            YamlNode defaults = root.get("defaults");
            YamlNode list = root.get("indicators");
            for (YamlNode n : list == null ? List.<YamlNode>of() : list.items()) {
                Draft d = explicit(n, f.name(), cat, defaults);
                if (d != null) {
                    drafts.add(d);
                }
            }
            YamlNode exp = root.get("expand");
            for (YamlNode t : exp == null ? List.<YamlNode>of() : exp.items()) {
                drafts.addAll(expand(t, f.name(), cat, defaults));
            }
        }
        // Duplicate ids.
        Map<String, Draft> byId = new LinkedHashMap<>();
        for (Draft d : drafts) {
            Draft first = byId.putIfAbsent(d.id, d);
            if (first != null) {
                error(d.file, d.line, d.id, "duplicate id (first defined at " + first.file + ":" + first.line + ")");
            }
        }
        // Sources, filters, units, thresholds.
        for (Draft d : byId.values()) {
            checkSource(d);
            if (d.source != SourceKind.DERIVED) {
                checkAlertLevels(d);
            }
        }
        // Derived: formulas, cycles, periods and levels.
        expressions.declareIndicators(byId.keySet());
        for (Draft d : byId.values()) {
            if (d.source == SourceKind.DERIVED) {
                Expressions.Compiled c = expressions.compileFormula(d.formula);
                c.errors().forEach(e -> error(d.file, d.line, d.id, e));
                d.references = c.references();
            }
        }
        checkCycles(byId);
        checkCuration(categories, byId.values());
        List<Indicator> out = new ArrayList<>();
        if (errors.isEmpty()) {
            for (Draft d : order(byId)) {
                resolveDerived(d, byId);
            }
            for (Draft d : byId.values()) {
                if (d.source == SourceKind.DERIVED) {
                    checkAlertLevels(d); // a formula's levels are known once resolved
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new CatalogException(errors);
        }
        for (Draft d : byId.values()) {
            out.add(d.toIndicator());
        }
        return new Catalog(categories, out);
    }

    // ---------------------------------------------------------------- drafts

    /** An indicator while it is being validated. */
    private static final class Draft {
        String id, zh, en, unit, category, assetType, metric, event, attribute, filter, condition, formula, file;
        String zhDescription, enDescription;
        boolean headline, offlineKeep;
        SourceKind source;
        Aggregation aggregation;
        long periodMs;
        List<AreaLevel> levels;
        boolean levelsDeclared;
        Alert alert;
        int alertLine;
        double resolution = Double.NaN;
        int line;
        boolean unitDeclared = true;
        Set<String> references = Set.of();

        Indicator toIndicator() {
            return new Indicator(id, zh, en, unit, category, source, assetType, metric, event, attribute, filter,
                    condition, aggregation, periodMs, levels, formula, alert, resolution, zhDescription, enDescription,
                    headline, offlineKeep, file, line);
        }
    }

    private Draft explicit(YamlNode n, String file, String cat, YamlNode defaults) {
        Draft d = new Draft();
        d.file = file;
        d.line = n.line();
        d.category = cat;
        d.id = n.text("id", null);
        if (d.id == null) {
            error(file, n.line(), null, "indicator without 'id'");
            return null;
        }
        for (String k : n.entries().keySet()) {
            if (!INDICATOR_KEYS.contains(k)) {
                error(file, n.get(k).line(), d.id, "unknown key '" + k + "' (allowed: " + INDICATOR_KEYS + ")");
            }
        }
        checkId(d);
        d.zh = n.text("zh", null);
        d.en = n.text("en", null);
        d.unit = n.text("unit", null);
        if (d.zh == null || d.en == null || d.zh.isBlank() || d.en.isBlank()) {
            error(file, d.line, d.id, "needs both zh and en names");
        }
        if (d.unit == null) {
            error(file, d.line, d.id, "missing unit");
        }
        YamlNode description = n.get("description");
        d.zhDescription = description == null ? null : description.text("zh", null);
        d.enDescription = description == null ? null : description.text("en", null);
        if (d.zhDescription == null || d.enDescription == null || d.zhDescription.isBlank() || d.enDescription.isBlank()) {
            error(file, description == null ? d.line : description.line(), d.id,
                    "needs a description {zh: .., en: ..}: one sentence on what it measures, over which assets, at which tick or window");
        }
        d.headline = n.bool("headline", false);
        d.offlineKeep = offlineKeep(n, file, d.id);
        d.filter = n.text("filter", null);
        d.condition = n.text("condition", null);
        d.formula = n.text("formula", null);
        if (d.formula != null) {
            d.source = SourceKind.DERIVED;
            d.aggregation = Aggregation.FORMULA;
            d.resolution = n.number("resolution", 0.0001);
            if (n.has("reads") || n.has("aggregation") && !"formula".equals(n.text("aggregation", null))) {
                error(file, d.line, d.id, "a formula indicator has no 'reads' and no other aggregation");
            }
        } else {
            YamlNode reads = n.get("reads");
            if (reads == null || !reads.isMap()) {
                error(file, d.line, d.id, "missing 'reads' (or 'formula')");
                return d;
            }
            d.assetType = reads.text("asset", null);
            d.metric = reads.text("metric", null);
            d.event = reads.text("event", null);
            d.attribute = reads.text("attribute", null);
            String agg = n.text("aggregation", null);
            try {
                d.aggregation = Aggregation.ofTag(agg);
            } catch (RuntimeException e) {
                error(file, d.line, d.id, "unknown aggregation '" + agg + "'");
            }
        }
        timing(n, defaults, d);
        YamlNode a = n.get("alert");
        if (a != null) {
            d.alert = alert(a, d);
        }
        return d;
    }

    private void checkId(Draft d) {
        if (!ID.matcher(d.id).matches() || CEL_RESERVED.contains(d.id)) {
            error(d.file, d.line, d.id, "id must be snake_case ([a-z][a-z0-9_]*) and not a CEL reserved word");
        }
    }

    private void timing(YamlNode n, YamlNode defaults, Draft d) {
        boolean windowed = d.source != SourceKind.DERIVED && d.metric == null
                || (d.metric != null && isCounter(d.assetType, d.metric));
        String key = windowed ? "window" : "tick";
        String other = windowed ? "tick" : "window";
        if (n.has(other) && d.source != SourceKind.DERIVED) {
            error(d.file, n.get(other).line(), d.id, "'" + other + "' does not apply to a "
                    + (windowed ? "windowed (counter/event)" : "state (gauge)") + " indicator; use '" + key + "'");
        }
        String text = n.text(key, defaults == null ? null : defaults.text(key, null));
        if (d.source == SourceKind.DERIVED) {
            text = n.text("tick", null);
            d.periodMs = text == null ? 0 : Durations.parseMs(text);
        } else {
            d.periodMs = Durations.parseMs(text == null ? "1m" : text);
        }
        if (d.periodMs < 0 || (d.periodMs == 0 && d.source != SourceKind.DERIVED)) {
            error(d.file, d.line, d.id, "bad " + key + " '" + text + "' (use e.g. 30s, 1m, 5m, 1h)");
        }
        YamlNode lv = n.get("levels");
        d.levelsDeclared = lv != null;
        if (lv == null && d.source != SourceKind.DERIVED && defaults != null) {
            lv = defaults.get("levels");
        }
        List<AreaLevel> levels = new ArrayList<>();
        if (lv == null) {
            if (d.source != SourceKind.DERIVED) {
                levels.addAll(List.of(AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET));
            }
        } else {
            levels.addAll(levels(lv, d));
        }
        levels.sort(null);
        d.levels = levels;
    }

    /** The distinct area levels of a list, in level order; an unknown one is an error at its line. */
    private List<AreaLevel> levels(YamlNode list, Draft d) {
        List<AreaLevel> levels = new ArrayList<>();
        for (YamlNode l : list.items()) {
            try {
                AreaLevel level = AreaLevel.ofTag(l.text());
                if (!levels.contains(level)) {
                    levels.add(level);
                }
            } catch (RuntimeException e) {
                error(d.file, l.line(), d.id, "unknown area level '" + l.text() + "' (city, district, street)");
            }
        }
        levels.sort(null);
        return levels;
    }

    private boolean isCounter(String assetType, String metric) {
        AssetType t = assetType == null ? null : types.get(assetType);
        MetricDef m = t == null ? null : t.metric(metric);
        return m != null && m.kind() == MetricKind.COUNTER;
    }

    private Alert alert(YamlNode a, Draft d) {
        String dir = a.text("direction", null);
        Alert.Direction direction;
        try {
            direction = Alert.Direction.valueOf(String.valueOf(dir).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            error(d.file, a.line(), d.id, "alert direction must be above or below, not '" + dir + "'");
            return null;
        }
        double w = a.number("warning", Double.NaN);
        double c = a.number("critical", Double.NaN);
        double clear = a.number("clear", w);
        String forText = a.text("for", "0s");
        long forMs = forText.matches("0+(ms|s|m|h|d)?") ? 0 : Durations.parseMs(forText);
        if (Double.isNaN(w) || Double.isNaN(c) || Double.isNaN(clear)) {
            error(d.file, a.line(), d.id, "alert needs numeric warning and critical (and clear, if given)");
            return null;
        }
        if (forMs < 0) {
            error(d.file, a.line(), d.id, "bad alert 'for' duration '" + a.text("for", null) + "'");
        }
        boolean ordered = direction == Alert.Direction.ABOVE ? clear <= w && w < c : clear >= w && w > c;
        if (!ordered) {
            error(d.file, a.line(), d.id, "alert thresholds out of order: " + direction.name().toLowerCase()
                    + " needs " + (direction == Alert.Direction.ABOVE ? "clear <= warning < critical"
                    : "clear >= warning > critical") + ", got clear=" + num(clear) + " warning=" + num(w)
                    + " critical=" + num(c));
        }
        d.alertLine = a.line();
        for (String key : a.entries().keySet()) {
            if (!ALERT_KEYS.contains(key)) {
                error(d.file, a.get(key).line(), d.id, "unknown alert key '" + key + "' (allowed: " + ALERT_KEYS + ")");
            }
        }
        YamlNode lv = a.get("levels");
        return new Alert(direction, w, c, clear, Math.max(forMs, 0), lv == null ? List.of() : levels(lv, d));
    }

    /** An alert's levels must be levels the indicator is computed at. */
    private void checkAlertLevels(Draft d) {
        if (d.alert != null && !d.levels.containsAll(d.alert.levels())) {
            error(d.file, d.alertLine, d.id, "alert levels " + d.alert.levels().stream().map(AreaLevel::tag).toList()
                    + " are not all levels of the indicator " + d.levels.stream().map(AreaLevel::tag).toList());
        }
    }

    private static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    // ---------------------------------------------------------------- templates

    private boolean offlineKeep(YamlNode n, String file, String id) {
        String offline = n.text("offline", null);
        if (offline != null && !"keep".equals(offline)) {
            error(file, n.get("offline").line(), id, "offline must be 'keep' (gauges aggregate online assets only unless it says so)");
        }
        return "keep".equals(offline);
    }

    /** A metric, event or event attribute a template expands, with the thresholds and headline it carries. */
    private record TemplateSubject(TemplateText.Subject text, String metric, String event, String attribute, YamlNode item) {
    }

    private List<Draft> expand(YamlNode t, String file, String cat, YamlNode defaults) {
        List<Draft> out = new ArrayList<>();
        for (String k : t.entries().keySet()) {
            if (!TEMPLATE_KEYS.contains(k)) {
                error(file, t.get(k).line(), null, "unknown template key '" + k + "' (allowed: " + TEMPLATE_KEYS + ")");
            }
        }
        String prefix = t.text("prefix", null);
        String asset = t.text("asset", null);
        if (prefix == null || !ID.matcher(prefix).matches()) {
            error(file, t.line(), null, "template needs a snake_case 'prefix'");
            return out;
        }
        AssetType type = asset == null ? null : types.get(asset);
        if (asset != null && type == null) {
            error(file, t.line(), prefix + "_*", "unknown asset type '" + asset + "'");
            return out;
        }
        YamlNode assetsNode = t.get("assets");
        String filter = t.text("filter", null);
        if (filter != null && assetsNode == null) {
            error(file, t.line(), prefix + "_*", "a template with a filter needs 'assets: {zh: .., en: ..}' naming the assets"
                    + " it keeps (for the descriptions)");
        }
        TemplateText.Assets assets = new TemplateText.Assets(
                assetsNode != null ? assetsNode.text("zh", null) : type == null ? null : type.zh(),
                assetsNode != null ? assetsNode.text("en", null) : type == null ? null : TemplateText.lowerFirst(type.en()),
                offlineKeep(t, file, prefix + "_*"));
        List<Aggregation> aggs = new ArrayList<>();
        for (String a : t.texts("aggregations")) {
            try {
                aggs.add(Aggregation.ofTag(a));
            } catch (RuntimeException e) {
                error(file, t.line(), prefix + "_*", "unknown aggregation '" + a + "'");
            }
        }
        if (aggs.isEmpty()) {
            error(file, t.line(), prefix + "_*", "template needs 'aggregations'");
        }
        List<TemplateSubject> subjects = new ArrayList<>();
        YamlNode metricsNode = t.get("metrics");
        for (YamlNode item : metricsNode == null ? List.<YamlNode>of() : metricsNode.items()) {
            String m = subjectName(item, file, prefix);
            if (m == null) {
                continue;
            }
            MetricDef md = type == null ? null : type.metric(m);
            if (type == null) {
                error(file, item.line(), prefix + "_" + m, "template with 'metrics' needs 'asset'");
            } else if (md == null) {
                error(file, item.line(), prefix + "_" + m, "unknown metric '" + m + "' of asset type " + asset
                        + " (has: " + String.join(", ", type.metrics().keySet()) + ")");
            } else {
                SourceKind kind = md.kind() == MetricKind.COUNTER ? SourceKind.COUNTER : SourceKind.GAUGE;
                subjects.add(new TemplateSubject(new TemplateText.Subject(kind, text(item, "zh", md.zh()),
                        text(item, "en", md.en()), null, null), m, null, null, item));
            }
        }
        List<YamlNode> events = new ArrayList<>();
        if (t.get("events") != null) {
            events.addAll(t.get("events").items());
        }
        if (t.get("event") != null) {
            events.add(t.get("event"));
        }
        YamlNode attrs = t.get("attributes");
        for (YamlNode eventItem : events) {
            String e = subjectName(eventItem, file, prefix);
            if (e == null) {
                continue;
            }
            EventKindDef ek = expressions.eventKind(asset, e);
            if (ek == null) {
                error(file, eventItem.line(), prefix + "_" + e, "unknown event kind '" + e + "'"
                        + (asset == null ? "" : " of asset type " + asset));
                continue;
            }
            String ezh = text(eventItem, "zh", ek.zh());
            String een = text(eventItem, "en", ek.en());
            if (attrs == null) {
                subjects.add(new TemplateSubject(new TemplateText.Subject(SourceKind.EVENT, ezh, een, null, null),
                        null, e, null, eventItem));
                continue;
            }
            for (YamlNode a : attrs.items()) {
                String an = subjectName(a, file, prefix);
                if (an == null) {
                    continue;
                }
                if (a.isScalar() || a.text("zh", null) == null || a.text("en", null) == null) {
                    error(file, a.line(), prefix + "_" + e + "_" + an,
                            "template attributes need names: {name: x, zh: .., en: ..}");
                    continue;
                }
                subjects.add(new TemplateSubject(new TemplateText.Subject(SourceKind.EVENT, a.text("zh", null),
                        a.text("en", null), ezh, een), null, e, an, a));
            }
        }
        for (TemplateSubject s : subjects) {
            Map<Aggregation, YamlNode> alerts = subjectAlerts(s, aggs, file, prefix);
            Set<Aggregation> headlines = subjectHeadlines(s, aggs, file, prefix);
            for (Aggregation agg : aggs) {
                Draft d = new Draft();
                d.file = file;
                d.line = s.item().line();
                d.category = cat;
                d.assetType = asset;
                d.metric = s.metric();
                d.attribute = s.attribute();
                d.event = s.event();
                d.aggregation = agg;
                String stem = d.metric != null ? d.metric : d.event + (d.attribute == null ? "" : "_" + d.attribute);
                d.id = prefix + "_" + stem + "_" + agg.tag();
                checkId(d);
                d.filter = filter;
                d.unitDeclared = false;
                d.offlineKeep = assets.offlineKeep();
                timing(t, defaults, d);
                String[] name = TemplateText.name(s.text(), agg, d.periodMs);
                if (name == null) {
                    error(file, d.line, d.id, "a template cannot name " + agg.tag() + " of a " + s.text().kind().tag()
                            + (s.attribute() != null ? " attribute" : "") + " (write it as an explicit indicator)");
                    continue;
                }
                d.zh = name[0];
                d.en = name[1];
                String[] description = TemplateText.description(s.text(), agg, assets, d.periodMs);
                d.zhDescription = description[0];
                d.enDescription = description[1];
                d.headline = headlines.contains(agg);
                if (alerts.containsKey(agg)) {
                    d.alert = alert(alerts.get(agg), d);
                }
                out.add(d);
            }
        }
        return out;
    }

    /** The name of a template subject: a scalar, or the {@code name} of a map (whose keys are checked). */
    private String subjectName(YamlNode item, String file, String prefix) {
        if (item.isScalar()) {
            return item.text();
        }
        for (String k : item.entries().keySet()) {
            if (!SUBJECT_KEYS.contains(k)) {
                error(file, item.get(k).line(), prefix + "_*", "unknown key '" + k + "' (allowed: " + SUBJECT_KEYS + ")");
            }
        }
        String name = item.text("name", null);
        if (name == null) {
            error(file, item.line(), prefix + "_*", "template item needs a 'name'");
        }
        return name;
    }

    private static String text(YamlNode item, String key, String dflt) {
        return item.isScalar() ? dflt : item.text(key, dflt);
    }

    /** {@code alert: {on: max, direction: .., warning: ..}} (or a list of them): thresholds for one expanded aggregation. */
    private Map<Aggregation, YamlNode> subjectAlerts(TemplateSubject s, List<Aggregation> aggs, String file, String prefix) {
        Map<Aggregation, YamlNode> out = new LinkedHashMap<>();
        YamlNode a = s.item().isMap() ? s.item().get("alert") : null;
        if (a == null) {
            return out;
        }
        for (YamlNode one : a.isList() ? a.items() : List.of(a)) {
            Aggregation on = templateAggregation(one.text("on", null), aggs, one.line(), file, prefix, "alert 'on'");
            if (on != null) {
                out.put(on, one);
            }
        }
        return out;
    }

    /** {@code headline: avg} (or a list): which expanded aggregations are headline figures. */
    private Set<Aggregation> subjectHeadlines(TemplateSubject s, List<Aggregation> aggs, String file, String prefix) {
        Set<Aggregation> out = new LinkedHashSet<>();
        if (!s.item().isMap() || s.item().get("headline") == null) {
            return out;
        }
        YamlNode h = s.item().get("headline");
        for (YamlNode one : h.isList() ? h.items() : List.of(h)) {
            Aggregation agg = templateAggregation(one.text(), aggs, one.line(), file, prefix, "headline");
            if (agg != null) {
                out.add(agg);
            }
        }
        return out;
    }

    private Aggregation templateAggregation(String tag, List<Aggregation> aggs, int line, String file, String prefix, String what) {
        try {
            Aggregation agg = Aggregation.ofTag(String.valueOf(tag));
            if (aggs.contains(agg)) {
                return agg;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        error(file, line, prefix + "_*", what + " must name one of the template's aggregations " + tags(aggs) + ", not '" + tag + "'");
        return null;
    }

    // ---------------------------------------------------------------- source checks

    private void checkSource(Draft d) {
        if (d.source == SourceKind.DERIVED || d.aggregation == null && d.formula == null) {
            return;
        }
        AssetType t = null;
        if (d.assetType != null) {
            t = types.get(d.assetType);
            if (t == null) {
                error(d.file, d.line, d.id, "unknown asset type '" + d.assetType + "'");
                return;
            }
        }
        String srcUnit;
        double res;
        if (d.metric != null) {
            if (t == null) {
                error(d.file, d.line, d.id, "reading metric '" + d.metric + "' needs an asset type");
                return;
            }
            if (d.event != null) {
                error(d.file, d.line, d.id, "reads either a metric or an event, not both");
            }
            MetricDef m = t.metric(d.metric);
            if (m == null) {
                error(d.file, d.line, d.id, "unknown metric '" + d.metric + "' of asset type " + d.assetType
                        + " (has: " + String.join(", ", t.metrics().keySet()) + ")");
                return;
            }
            d.source = m.kind() == MetricKind.COUNTER ? SourceKind.COUNTER : SourceKind.GAUGE;
            srcUnit = m.unit();
            res = m.resolution();
            if (d.attribute != null) {
                // A static attribute (capacity, rated flow) of the assets that report this gauge.
                AttributeDef a = t.attribute(d.attribute);
                if (m.kind() != MetricKind.GAUGE) {
                    error(d.file, d.line, d.id, "'attribute' with a metric needs a gauge metric, " + d.metric + " is a counter");
                    return;
                }
                if (a == null || a.type() != AttributeType.NUMBER) {
                    error(d.file, d.line, d.id, (a == null ? "unknown attribute '" : "attribute is not a number: '")
                            + d.attribute + "' of asset type " + d.assetType
                            + " (has: " + String.join(", ", t.attributes().keySet()) + ")");
                    return;
                }
                srcUnit = a.unit();
                res = a.resolution();
            }
        } else if (d.event != null) {
            d.source = SourceKind.EVENT;
            EventKindDef ek = expressions.eventKind(d.assetType, d.event);
            if (ek == null) {
                error(d.file, d.line, d.id, "unknown event kind '" + d.event + "'"
                        + (t == null ? " (no asset type declares it)" : " of asset type " + d.assetType
                        + " (has: " + String.join(", ", t.events().keySet()) + ")"));
                return;
            }
            srcUnit = "count";
            res = 1;
            if (d.attribute != null) {
                AttributeDef a = ek.attributes().get(d.attribute);
                if (a == null) {
                    error(d.file, d.line, d.id, "unknown attribute '" + d.attribute + "' of event " + d.event
                            + " (has: " + String.join(", ", ek.attributes().keySet()) + ")");
                    return;
                }
                if (a.type() == AttributeType.NUMBER) {
                    srcUnit = a.unit();
                    res = a.resolution();
                } else if (d.aggregation != Aggregation.DISTINCT && d.aggregation != Aggregation.COUNT) {
                    error(d.file, d.line, d.id, "aggregation " + d.aggregation.tag() + " needs a number attribute, '"
                            + d.attribute + "' is " + a.type().tag());
                    return;
                }
            } else if (d.aggregation != Aggregation.COUNT && d.aggregation != Aggregation.RATE) {
                error(d.file, d.line, d.id, "aggregation " + d.aggregation.tag()
                        + " over events needs an 'attribute' (only count and rate work on the events themselves)");
                return;
            }
        } else {
            error(d.file, d.line, d.id, "'reads' needs a metric or an event");
            return;
        }
        if (!d.aggregation.allowedFor(d.source)) {
            error(d.file, d.line, d.id, "aggregation " + d.aggregation.tag() + " not allowed for a " + d.source.tag()
                    + " (allowed: " + tags(Aggregation.allowed(d.source)) + ")");
            return;
        }
        d.resolution = res;
        String expected = expectedUnit(d, srcUnit);
        if (!d.unitDeclared) {
            d.unit = expected;
        } else if (expected != null && d.unit != null && !expected.equals(d.unit)) {
            error(d.file, d.line, d.id, "unit mismatch: declares '" + d.unit + "' but " + d.aggregation.tag() + " of "
                    + (d.metric != null ? "metric " + d.metric : "event " + d.event
                    + (d.attribute == null ? "" : "." + d.attribute)) + " is in '" + expected + "'");
        }
        if (d.aggregation == Aggregation.SHARE && d.condition == null) {
            error(d.file, d.line, d.id, "share needs a 'condition' (e.g. online, or value > 0.5)");
        }
        if (d.condition != null && d.aggregation != Aggregation.SHARE) {
            error(d.file, d.line, d.id, "'condition' applies to share only; use 'filter'");
        }
        for (String[] cel : new String[][] {{"filter", d.filter}, {"condition", d.condition}}) {
            if (cel[1] == null) {
                continue;
            }
            Expressions.Compiled c = expressions.compileFilter(d.source, d.assetType, d.event, cel[1]);
            c.errors().forEach(e -> error(d.file, d.line, d.id, cel[0] + ": " + e));
            if (d.source == SourceKind.GAUGE && !d.offlineKeep && c.references().contains("online")) {
                error(d.file, d.line, d.id, cel[0] + " reads 'online', but a gauge counts online assets only (always true"
                        + " here); say 'offline: keep' to count offline ones too");
            }
        }
    }

    private static String expectedUnit(Draft d, String srcUnit) {
        switch (d.aggregation) {
            case COUNT:
            case DISTINCT:
                return "count";
            case SHARE:
                return "%";
            case RATE:
                return srcUnit + "/s";
            default:
                return srcUnit;
        }
    }

    private static String tags(java.util.Collection<Aggregation> s) {
        List<String> l = new ArrayList<>();
        s.forEach(a -> l.add(a.tag()));
        return String.join(", ", l);
    }

    // ---------------------------------------------------------------- curation

    /** Names that read as written by hand, no redundant aggregations, thresholds and headlines per category. */
    private void checkCuration(List<Category> categories, java.util.Collection<Draft> drafts) {
        Map<String, Draft> computations = new HashMap<>();
        Map<String, Map<Aggregation, Draft>> windows = new HashMap<>();
        Map<String, int[]> perCategory = new LinkedHashMap<>(); // {alerting, headline}
        categories.forEach(c -> perCategory.put(c.id(), new int[2]));
        for (Draft d : drafts) {
            String repeated = NameCheck.repeated(d.zh, d.en);
            if (repeated != null) {
                error(d.file, d.line, d.id, "name repeats " + repeated + ": '" + d.zh + " / " + d.en + "'");
            }
            int[] counts = perCategory.get(d.category);
            if (counts != null) {
                counts[0] += d.alert != null ? 1 : 0;
                counts[1] += d.headline ? 1 : 0;
            }
            if (d.offlineKeep && d.source != null && d.source != SourceKind.GAUGE) {
                error(d.file, d.line, d.id, "'offline: keep' applies to gauges only (windows count what happened)");
            }
            if (d.source == null || d.source == SourceKind.DERIVED || d.aggregation == null) {
                continue;
            }
            if (d.source == SourceKind.COUNTER && d.aggregation != Aggregation.SUM && d.aggregation != Aggregation.RATE) {
                error(d.file, d.line, d.id, d.aggregation.tag() + " of per-reading counter increments measures how often a"
                        + " device reports, not the city; use sum (the amount in the window)");
                continue;
            }
            String source = d.assetType + "|" + d.metric + "|" + d.event + "|" + d.attribute + "|" + d.filter + "|" + d.periodMs;
            Draft same = computations.putIfAbsent(source + "|" + d.aggregation + "|" + d.condition, d);
            if (same != null) {
                error(d.file, d.line, d.id, "computes the same as " + same.id + " (" + same.file + ":" + same.line + ")");
            }
            if (d.source != SourceKind.GAUGE) {
                windows.computeIfAbsent(source, k -> new java.util.EnumMap<>(Aggregation.class)).putIfAbsent(d.aggregation, d);
            }
        }
        for (Map<Aggregation, Draft> w : windows.values()) {
            Draft rate = w.get(Aggregation.RATE);
            Draft total = rate == null ? null : rate.attribute == null && rate.metric == null
                    ? w.get(Aggregation.COUNT) : w.get(Aggregation.SUM);
            if (total != null) {
                error(rate.file, rate.line, rate.id, "rate repeats " + total.id + " (" + total.file + ":" + total.line
                        + ") divided by the window; keep one of them");
            }
        }
        for (Category c : categories) {
            int[] counts = perCategory.get(c.id());
            int line = categoryLines.getOrDefault(c.id(), 1);
            if (counts[0] == 0) {
                error(c.file(), line, c.id(), "category has no indicator with alert thresholds");
            }
            if (counts[1] < 1 || counts[1] > MAX_HEADLINES) {
                error(c.file(), line, c.id(), "category needs 1 to " + MAX_HEADLINES + " headline indicators (the figures"
                        + " of its wall-screen tile), has " + counts[1]);
            }
        }
    }

    // ---------------------------------------------------------------- derived

    private void checkCycles(Map<String, Draft> byId) {
        Map<String, Integer> state = new HashMap<>();
        for (Draft d : byId.values()) {
            if (d.source == SourceKind.DERIVED) {
                visit(d, byId, state, new ArrayList<>());
            }
        }
    }

    private void visit(Draft d, Map<String, Draft> byId, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(d.id);
        if (s != null && s == 2) {
            return;
        }
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(d.id), path.size()));
            cycle.add(d.id);
            error(d.file, d.line, d.id, "formula cycle: " + String.join(" -> ", cycle));
            return;
        }
        state.put(d.id, 1);
        path.add(d.id);
        for (String r : d.references) {
            Draft dep = byId.get(r);
            if (dep != null && dep.source == SourceKind.DERIVED) {
                visit(dep, byId, state, path);
            }
        }
        path.remove(path.size() - 1);
        state.put(d.id, 2);
    }

    /** Derived indicators after the ones they read (valid only when there is no cycle). */
    private static List<Draft> order(Map<String, Draft> byId) {
        List<Draft> out = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (Draft d : byId.values()) {
            topo(d, byId, done, out);
        }
        return out;
    }

    private static void topo(Draft d, Map<String, Draft> byId, Set<String> done, List<Draft> out) {
        if (!done.add(d.id)) {
            return;
        }
        for (String r : d.references) {
            Draft dep = byId.get(r);
            if (dep != null) {
                topo(dep, byId, done, out);
            }
        }
        out.add(d);
    }

    private void resolveDerived(Draft d, Map<String, Draft> byId) {
        if (d.source != SourceKind.DERIVED) {
            return;
        }
        if (d.references.isEmpty()) {
            error(d.file, d.line, d.id, "formula reads no indicator");
            return;
        }
        long period = -1;
        Set<AreaLevel> common = EnumSet.allOf(AreaLevel.class);
        for (String r : d.references) {
            Draft in = byId.get(r);
            if (period < 0) {
                period = in.periodMs;
            } else if (period != in.periodMs) {
                error(d.file, d.line, d.id, "formula mixes periods: " + r + " is every " + Durations.format(in.periodMs)
                        + ", others every " + Durations.format(period));
                return;
            }
            common.retainAll(in.levels);
        }
        if (d.periodMs > 0 && d.periodMs != period) {
            error(d.file, d.line, d.id, "tick " + Durations.format(d.periodMs) + " differs from its inputs' "
                    + Durations.format(period));
        }
        d.periodMs = period;
        if (d.levelsDeclared) {
            for (AreaLevel l : d.levels) {
                if (!common.contains(l)) {
                    error(d.file, d.line, d.id, "level " + l.tag() + " is not computed for all inputs of the formula");
                }
            }
        } else {
            d.levels = new ArrayList<>(common);
            d.levels.sort(null);
        }
    }
}
