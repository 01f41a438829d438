package org.citytwin.model.plan;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.AttributeType;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Filters and share conditions give the CEL program's result on every input, whether they run as
 * plain Java, on CEL, or from the per-asset memory: every filter and condition of the shipped
 * catalog and hand-written edge cases, over a grid of values (boundaries, ±ulp, NaN, ±infinity,
 * -0.0), online and offline, and attributes present, absent or of another type. The expected side
 * is this test's own CEL environment and binding, built from the asset types.
 */
class CompiledFilterTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final CityTopology TOPO = CityTopology.load("shanghai");
    private static final Catalog CATALOG = CatalogLoader.load("shanghai");
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final Object ABSENT = new Object() {
        @Override
        public String toString() { return "<absent>"; }
    };
    private static final Pattern NUMBER = Pattern.compile("(?<![\\w.'])\\d+(\\.\\d+)?");
    private static final Pattern STRING = Pattern.compile("'([^']*)'");

    /** Shapes the brief names (and a few more) that must run as plain Java, on bus_gps (route, seats, electric). */
    private static final List<String> PLAIN_READING_SHAPES = List.of(
            "value > 30", "value >= 30", "value < 20", "value <= 180", "value == 1.0", "value == 0.0", "value != 0.5",
            "value > 0.5", "value > 13.8", "30 < value", "0 >= value", "value >= 0", "value < 0", "value <= -1",
            "value > 9007199254740993", "value < 9223372036854775807",
            "online", "!online", "online && value > 3", "!online || value <= 2.5",
            "electric", "!electric", "route == '119'", "'119' == route", "route != 'ac'",
            "route == '119' || route == '120'", "electric && route == '119'",
            "value > 0.8 * seats", "value >= 0.95 * seats", "value > seats", "value > seats + 3.0",
            "value < seats - 0.5", "seats * 0.5 <= value", "seats > 40", "seats == 0.0", "value == seats");
    /** Shapes left to CEL: their results must match too. */
    private static final List<String> CEL_READING_SHAPES = List.of(
            "value / 2.0 > 3.0", "route in ['119', '120']", "size(route) > 2", "int(value) > 3",
            "route.startsWith('1')", "value > 1000.0 ? electric : !electric", "online == true", "-value < 3.0");
    /** Event filters on bus_gps stop_arrival (boarding, headway, stop_id; asset route, seats, electric). */
    private static final List<String> PLAIN_EVENT_SHAPES = List.of(
            "boarding > 15", "headway >= 0.5 * seats", "stop_id == 'S1'", "route == '119'", "electric || boarding > 3",
            "!electric", "seats > 40");
    private static final List<String> CEL_EVENT_SHAPES = List.of("stop_id in ['S1', 'S2']", "boarding / headway > 2.0");

    @Test
    void everyShippedFilterAndConditionGivesCelsResultOnTheGrid() {
        EvaluationPlan plan = EvaluationPlan.compile(CATALOG, TYPES, TOPO);
        Expressions expressions = new Expressions(TYPES);
        int expressionsChecked = 0;
        int plain = 0;
        Set<String> onCel = new TreeSet<>();
        long cases = 0;
        for (Indicator i : CATALOG.indicators()) {
            for (String expr : new String[] {i.filter(), i.condition()}) {
                if (expr == null) {
                    continue;
                }
                expressionsChecked++;
                if (expressions.compileFilter(i.source(), i.assetType(), i.event(), expr).plain() != null) {
                    plain++;
                } else {
                    onCel.add(i.id() + ": " + expr);
                }
            }
            if (i.filter() != null || i.condition() != null) {
                cases += checkAgainstCel(plan.indicator(i.id()));
            }
        }
        System.out.printf("shipped catalog: %d filters/conditions, %d as plain Java, %d on CEL %s; %d cases compared%n",
                expressionsChecked, plain, expressionsChecked - plain, onCel, cases);
        assertThat(expressionsChecked).isGreaterThan(100);
        assertThat(cases).isGreaterThan(20_000);
    }

    @Test
    void handWrittenEdgeCasesGiveCelsResultOnTheGridAndTheSimpleShapesRunAsPlainJava() {
        Indicator gauge = CATALOG.indicators().stream()
                .filter(i -> i.source() == SourceKind.GAUGE && "bus_gps".equals(i.assetType()) && "speed".equals(i.metric()))
                .findFirst().orElseThrow();
        Indicator counter = CATALOG.indicators().stream()
                .filter(i -> i.source() == SourceKind.COUNTER && "bus_gps".equals(i.assetType()))
                .findFirst().orElseThrow();
        Indicator event = CATALOG.indicators().stream()
                .filter(i -> i.source() == SourceKind.EVENT && "bus_gps".equals(i.assetType()) && "stop_arrival".equals(i.event()))
                .findFirst().orElseThrow();
        List<Indicator> extra = new ArrayList<>();
        List<String> reading = new ArrayList<>(PLAIN_READING_SHAPES);
        reading.addAll(CEL_READING_SHAPES);
        for (String expr : reading) {
            extra.add(copy(gauge, "hand_gauge_" + extra.size(), expr, expr));
            extra.add(copy(counter, "hand_counter_" + extra.size(), expr, null));
        }
        List<String> events = new ArrayList<>(PLAIN_EVENT_SHAPES);
        events.addAll(CEL_EVENT_SHAPES);
        for (String expr : events) {
            extra.add(copy(event, "hand_event_" + extra.size(), expr, null));
        }
        EvaluationPlan plan = EvaluationPlan.compile(new Catalog(CATALOG.categories(), extra), TYPES, TOPO);
        long cases = 0;
        for (Indicator i : extra) {
            cases += checkAgainstCel(plan.indicator(i.id()));
        }
        Expressions expressions = new Expressions(TYPES);
        for (String expr : PLAIN_READING_SHAPES) {
            assertThat(expressions.compileFilter(SourceKind.GAUGE, "bus_gps", null, expr).plain()).as(expr).isNotNull();
        }
        for (String expr : CEL_READING_SHAPES) {
            assertThat(expressions.compileFilter(SourceKind.GAUGE, "bus_gps", null, expr).plain()).as(expr).isNull();
        }
        for (String expr : PLAIN_EVENT_SHAPES) {
            assertThat(expressions.compileFilter(SourceKind.EVENT, "bus_gps", "stop_arrival", expr).plain()).as(expr).isNotNull();
        }
        for (String expr : CEL_EVENT_SHAPES) {
            assertThat(expressions.compileFilter(SourceKind.EVENT, "bus_gps", "stop_arrival", expr).plain()).as(expr).isNull();
        }
        assertThat(cases).isGreaterThan(20_000);
    }

    @Test
    void anAttributeOnlyFilterFollowsANewVersionOfTheAssetAndAnEventAttributeOfTheSameName() {
        Indicator template = CATALOG.indicators().stream()
                .filter(i -> i.source() == SourceKind.GAUGE && "bus_gps".equals(i.assetType()) && "speed".equals(i.metric()))
                .findFirst().orElseThrow();
        Indicator event = CATALOG.indicators().stream()
                .filter(i -> i.source() == SourceKind.EVENT && "bus_gps".equals(i.assetType()) && "stop_arrival".equals(i.event()))
                .findFirst().orElseThrow();
        EvaluationPlan plan = EvaluationPlan.compile(new Catalog(CATALOG.categories(), List.of(
                copy(template, "route_119", "route == '119'", "route == '119' && size(route) == 3"),
                copy(event, "route_119_stops", "route == '119'", null))), TYPES, TOPO);
        CompiledIndicator gauge = plan.indicator("route_119");
        CompiledIndicator stops = plan.indicator("route_119_stops");
        Asset v1 = bus("bus-1", "119");
        Asset v2 = bus("bus-1", "120");
        for (int round = 0; round < 3; round++) {
            assertThat(gauge.acceptsReading(10, true, v1)).isTrue();
            assertThat(gauge.conditionHolds(10, true, v1)).isTrue();
            assertThat(gauge.acceptsReading(10, true, v2)).isFalse();
            assertThat(gauge.conditionHolds(10, true, v2)).isFalse();
            assertThat(stops.acceptsEvent(Map.of("boarding", 1.0), v1)).isTrue();
            // An event carrying a variable of the same name gives it (the asset's result is not used).
            assertThat(stops.acceptsEvent(Map.of("route", "120"), v1)).isFalse();
            assertThat(stops.acceptsEvent(Map.of("route", "119"), v2)).isTrue();
            assertThat(stops.acceptsEvent(Map.of(), v2)).isFalse();
        }
        // Threads sharing the slot, each with its own version of the same asset id: every answer is its version's.
        AtomicInteger wrong = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int me = t;
            threads.add(new Thread(() -> {
                for (int n = 0; n < 200_000; n++) {
                    Asset a = (n + me) % 2 == 0 ? v1 : bus("bus-1", (n + me) % 3 == 0 ? "119" : "121");
                    boolean expected = "119".equals(a.attributes().get("route"));
                    if (gauge.acceptsReading(n, true, a) != expected || stops.acceptsEvent(Map.of(), a) != expected) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(wrong).hasValue(0);
    }

    private static Asset bus(String id, String route) {
        return new Asset(id, "bus_gps", "310101002", 0, 0, Map.of("route", route, "seats", 40.0, "electric", true));
    }

    private static Indicator copy(Indicator t, String id, String filter, String condition) {
        return new Indicator(id, t.zh(), t.en(), t.unit(), t.category(), t.source(), t.assetType(), t.metric(), t.event(),
                t.attribute(), filter, condition, t.aggregation(), t.periodMs(), t.levels(), null, null, t.resolution(),
                t.zhDescription(), t.enDescription(), false, t.offlineKeep(), "hand-written", 1);
    }

    // ---- the independent side ----

    /**
     * Compares the slot's acceptsReading/conditionHolds (or acceptsEvent) with this test's CEL
     * evaluation on the grid; returns the number of cases compared.
     */
    private static long checkAgainstCel(CompiledIndicator slot) {
        Indicator i = slot.indicator();
        AssetType type = i.assetType() == null ? null : TYPES.get(i.assetType());
        Map<String, AttributeType> vars = variables(i);
        Cel cel = environment(i, vars);
        CelRuntime.Program filter = i.filter() == null ? null : program(cel, i.filter());
        CelRuntime.Program condition = i.condition() == null ? null : program(cel, i.condition());
        String text = (i.filter() == null ? "" : i.filter()) + " " + (i.condition() == null ? "" : i.condition());
        List<Double> literals = literals(text);
        Set<String> stringLiterals = stringLiterals(text);
        boolean event = i.source() == SourceKind.EVENT;
        EventKindDef kind = event ? eventKind(i) : null;
        // The variables the expressions name, and their variants.
        Map<String, List<Object>> variants = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeType> v : vars.entrySet()) {
            if (!event && (v.getKey().equals("value") || v.getKey().equals("online"))) {
                continue;
            }
            if (Pattern.compile("\\b" + Pattern.quote(v.getKey()) + "\\b").matcher(text).find()) {
                variants.put(v.getKey(), variants(v.getValue(), literals, stringLiterals));
            }
        }
        List<Map<String, Object>> combinations = combinations(new ArrayList<>(variants.entrySet()), 0);
        long cases = 0;
        for (Map<String, Object> combination : combinations) {
            Map<String, Object> assetAttributes = new HashMap<>();
            Map<String, Object> eventAttributes = new HashMap<>();
            combination.forEach((name, value) -> {
                if (value == ABSENT) {
                    return;
                }
                if (event && kind.attributes().containsKey(name)) {
                    eventAttributes.put(name, value);
                } else {
                    assetAttributes.put(name, value);
                }
            });
            Asset asset = new Asset("grid-" + combination.hashCode(), type == null ? "any" : type.name(), "310101002", 0, 0,
                    assetAttributes);
            if (event) {
                Map<String, Object> bound = new HashMap<>();
                for (Map.Entry<String, AttributeType> v : vars.entrySet()) {
                    Object value = eventAttributes.get(v.getKey());
                    bound.put(v.getKey(), value != null ? value : attributeOrDefault(asset, v.getKey(), v.getValue()));
                }
                boolean expected = filter == null || test(filter, bound);
                assertThat(slot.acceptsEvent(eventAttributes, asset)).as("%s on %s", i.filter(), combination).isEqualTo(expected);
                assertThat(slot.acceptsEvent(eventAttributes, asset)).as("%s again on %s", i.filter(), combination)
                        .isEqualTo(expected);
                cases++;
                continue;
            }
            for (double value : values(literals, combination)) {
                for (boolean online : new boolean[] {true, false}) {
                    Map<String, Object> bound = new HashMap<>();
                    for (Map.Entry<String, AttributeType> v : vars.entrySet()) {
                        bound.put(v.getKey(), attributeOrDefault(asset, v.getKey(), v.getValue()));
                    }
                    bound.put("value", value);
                    bound.put("online", online);
                    boolean gate = online || i.source() != SourceKind.GAUGE || i.offlineKeep();
                    boolean accepted = gate && (filter == null || test(filter, bound));
                    boolean holds = condition == null || test(condition, bound);
                    assertThat(slot.acceptsReading(value, online, asset))
                            .as("%s with value=%s online=%s on %s", i.filter(), value, online, combination).isEqualTo(accepted);
                    assertThat(slot.conditionHolds(value, online, asset))
                            .as("%s with value=%s online=%s on %s", i.condition(), value, online, combination).isEqualTo(holds);
                    cases++;
                }
            }
        }
        return cases;
    }

    /** Filter variables: a reading's value and online, or the event kind's attributes; then the asset type's attributes. */
    private static Map<String, AttributeType> variables(Indicator i) {
        Map<String, AttributeType> vars = new LinkedHashMap<>();
        if (i.source() == SourceKind.EVENT) {
            eventKind(i).attributes().values().forEach(a -> vars.put(a.name(), a.type()));
        } else {
            vars.put("value", AttributeType.NUMBER);
            vars.put("online", AttributeType.BOOL);
        }
        AssetType t = i.assetType() == null ? null : TYPES.get(i.assetType());
        if (t != null) {
            t.attributes().values().forEach(a -> vars.putIfAbsent(a.name(), a.type()));
        }
        return vars;
    }

    private static EventKindDef eventKind(Indicator i) {
        if (i.assetType() != null) {
            return TYPES.get(i.assetType()).event(i.event());
        }
        return TYPES.all().stream().filter(t -> t.event(i.event()) != null).findFirst().orElseThrow().event(i.event());
    }

    private static Cel environment(Indicator i, Map<String, AttributeType> vars) {
        CelBuilder b = CelFactory.standardCelBuilder().setOptions(OPTIONS).setResultType(SimpleType.BOOL);
        vars.forEach((name, type) -> b.addVar(name, celType(type)));
        return b.build();
    }

    private static CelType celType(AttributeType t) {
        return switch (t) {
            case STRING -> SimpleType.STRING;
            case BOOL -> SimpleType.BOOL;
            case NUMBER -> SimpleType.DOUBLE;
        };
    }

    private static CelRuntime.Program program(Cel cel, String expr) {
        try {
            return cel.createProgram(cel.compile(expr).getAst());
        } catch (Exception e) {
            throw new AssertionError(expr, e);
        }
    }

    /** CEL's verdict: true only when the program yields true (an error or a non-boolean is no match). */
    private static boolean test(CelRuntime.Program p, Map<String, Object> bound) {
        try {
            return Boolean.TRUE.equals(p.eval(bound));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** The asset's attribute, else the declared default ("" / false / 0.0). */
    private static Object attributeOrDefault(Asset asset, String name, AttributeType type) {
        Object value = asset.attributes().get(name);
        if (value != null) {
            return value;
        }
        return switch (type) {
            case STRING -> "";
            case BOOL -> false;
            case NUMBER -> 0.0;
        };
    }

    private static List<Double> literals(String text) {
        List<Double> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(text);
        while (m.find()) {
            out.add(Double.parseDouble(m.group()));
        }
        return out;
    }

    private static Set<String> stringLiterals(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = STRING.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A variable's variants: absent, values of its type (literals of the expression, edges), values of other types. */
    private static List<Object> variants(AttributeType type, List<Double> literals, Set<String> strings) {
        List<Object> out = new ArrayList<>();
        out.add(ABSENT);
        switch (type) {
            case STRING -> {
                out.addAll(strings);
                out.addAll(List.of("", "other", "5a"));
                out.addAll(List.of(1.0, 1, true));
            }
            case BOOL -> out.addAll(List.of(true, false, "true", 1.0, 1, 0L));
            case NUMBER -> {
                Set<Object> numbers = new LinkedHashSet<>(List.of(0.0, -0.0, 1.0, 40.0, -5.0, Double.NaN,
                        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE));
                for (double k : literals) {
                    numbers.add(k);
                    numbers.add(Math.nextUp(k));
                }
                out.addAll(numbers);
                out.addAll(List.of(40, 40L, "40", true));
            }
        }
        return out;
    }

    private static List<Map<String, Object>> combinations(List<Map.Entry<String, List<Object>>> names, int from) {
        if (from == names.size()) {
            List<Map<String, Object>> one = new ArrayList<>();
            one.add(new LinkedHashMap<>());
            return one;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> rest : combinations(names, from + 1)) {
            for (Object v : names.get(from).getValue()) {
                Map<String, Object> m = new LinkedHashMap<>(rest);
                m.put(names.get(from).getKey(), v);
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Reading values: edges (±0, NaN, ±infinity, the largest doubles, the int64 and 2^53 edges), each
     * literal and the attribute-dependent thresholds (k×a, a±k, a) with their neighbours.
     */
    private static List<Double> values(List<Double> literals, Map<String, Object> combination) {
        Set<Double> out = new LinkedHashSet<>(List.of(0.0, -0.0, 1.0, -1.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE,
                9.223372036854776E18, Math.nextUp(9.223372036854776E18), -9.223372036854776E18,
                Math.nextDown(-9.223372036854776E18), 9007199254740992.0, 9007199254740994.0));
        List<Double> thresholds = new ArrayList<>(literals);
        for (Object a : combination.values()) {
            if (a instanceof Double d) {
                thresholds.add(d);
                for (double k : literals) {
                    thresholds.add(k * d);
                    thresholds.add(d + k);
                    thresholds.add(d - k);
                }
            }
        }
        for (double t : thresholds) {
            out.add(t);
            out.add(-t);
            out.add(Math.nextUp(t));
            out.add(Math.nextDown(t));
        }
        return new ArrayList<>(out);
    }
}
