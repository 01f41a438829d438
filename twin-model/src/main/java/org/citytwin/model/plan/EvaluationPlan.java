package org.citytwin.model.plan;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogException;
import org.citytwin.model.catalog.CatalogError;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.CityTopology;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog compiled for the engine: slots (one per indicator, found by id), a routing table from
 * (asset type, metric) and (asset type, event kind) to the slots that read it, the inputs of each
 * formula and the derived slots in dependency order (both from one compilation of each formula).
 * Handling one record touches only its routed slots, whatever the catalog size. A plain value:
 * serializable, so a running job can hold it and later swap it. {@link PlanIndex} is what the
 * engine's operators derive from it.
 */
public final class EvaluationPlan implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final int[] NONE = new int[0];

    private final AssetTypes types;
    private final CityTopology topology;
    private final CompiledIndicator[] slots;
    private final Map<String, Integer> slotById;
    private final Map<String, int[]> readingRoutes;
    private final Map<String, int[]> eventRoutes;
    private final int[][] formulaInputs;
    private final int[] derivedOrder;
    private transient boolean linked;

    private EvaluationPlan(AssetTypes types, CityTopology topology, CompiledIndicator[] slots,
                           Map<String, Integer> slotById, Map<String, int[]> readingRoutes,
                           Map<String, int[]> eventRoutes, int[][] formulaInputs, int[] derivedOrder) {
        this.types = types;
        this.topology = topology;
        this.slots = slots;
        this.slotById = slotById;
        this.readingRoutes = readingRoutes;
        this.eventRoutes = eventRoutes;
        this.formulaInputs = formulaInputs;
        this.derivedOrder = derivedOrder;
        link();
    }

    /** Compiles a validated catalog. The catalog's order is kept: derived indicators follow their inputs. */
    public static EvaluationPlan compile(Catalog catalog, AssetTypes types, CityTopology topology) {
        List<Indicator> list = catalog.indicators();
        CompiledIndicator[] slots = new CompiledIndicator[list.size()];
        Map<String, Integer> byId = new LinkedHashMap<>();
        Map<String, List<Integer>> readings = new HashMap<>();
        Map<String, List<Integer>> events = new HashMap<>();
        List<Integer> derived = new ArrayList<>();
        Expressions ex = new Expressions(types);
        for (int i = 0; i < slots.length; i++) {
            Indicator ind = list.get(i);
            Map<String, Object> defaults = new HashMap<>();
            if (ind.source() != SourceKind.DERIVED) {
                Map<String, CelType> vars = ex.filterVariables(ind.source(), ind.assetType(), ind.event());
                vars.forEach((k, t) -> defaults.put(k, t == SimpleType.STRING ? "" : t == SimpleType.BOOL ? (Object) false : (Object) 0.0));
            }
            slots[i] = new CompiledIndicator(i, ind, Collections.unmodifiableMap(defaults));
            byId.put(ind.id(), i);
            switch (ind.source()) {
                case GAUGE:
                case COUNTER:
                    readings.computeIfAbsent(key(ind.assetType(), ind.metric()), k -> new ArrayList<>()).add(i);
                    break;
                case EVENT:
                    if (ind.assetType() != null) {
                        events.computeIfAbsent(key(ind.assetType(), ind.event()), k -> new ArrayList<>()).add(i);
                    } else {
                        // Events of any asset type: route from every type that declares the kind.
                        for (AssetType t : types.all()) {
                            if (t.event(ind.event()) != null) {
                                events.computeIfAbsent(key(t.name(), ind.event()), k -> new ArrayList<>()).add(i);
                            }
                        }
                    }
                    break;
                default:
                    derived.add(i);
            }
        }
        // Each formula's references, once: the slots it reads (in the formula's order) give both its
        // inputs and the dependency order of the derived slots.
        ex.declareIndicators(byId.keySet());
        int[][] references = new int[slots.length][];
        int[][] inputs = new int[slots.length][];
        for (int d : derived) {
            references[d] = ex.compileFormula(slots[d].indicator().formula()).references().stream()
                    .map(byId::get).filter(java.util.Objects::nonNull).mapToInt(Integer::intValue).toArray();
            inputs[d] = java.util.Arrays.stream(references[d]).sorted().distinct().toArray();
        }
        // Derived slots in dependency order (the catalog validated there is no cycle).
        List<Integer> ordered = new ArrayList<>();
        java.util.Set<Integer> done = new java.util.HashSet<>();
        for (int d : derived) {
            order(d, slots, references, done, ordered);
        }
        return new EvaluationPlan(types, topology, slots, byId, freeze(readings), freeze(events), inputs,
                ordered.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void order(int d, CompiledIndicator[] slots, int[][] references, java.util.Set<Integer> done,
                              List<Integer> out) {
        if (!done.add(d)) {
            return;
        }
        for (int r : references[d]) {
            if (slots[r].source() == SourceKind.DERIVED) {
                order(r, slots, references, done, out);
            }
        }
        out.add(d);
    }

    private static Map<String, int[]> freeze(Map<String, List<Integer>> m) {
        Map<String, int[]> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    private static String key(String type, String name) {
        return type + '\u0000' + name;
    }

    /**
     * Compiles the CEL programs: at construction (which reports the catalog's expression errors),
     * and in a deserialized plan when one is first needed — a job's operators each hold a copy of
     * the plan and most never evaluate an expression (nor does the JobManager), so compiling about
     * a thousand programs per copy on deserialization only slowed the job's start and restarts.
     * A plan copy is used by one task thread; synchronized for plans shared otherwise.
     */
    synchronized void link() {
        if (linked) {
            return;
        }
        Expressions ex = new Expressions(types);
        ex.declareIndicators(slotById.keySet());
        List<CatalogError> errors = new ArrayList<>();
        for (CompiledIndicator c : slots) {
            Indicator i = c.indicator();
            Expressions.Compiled f = null;
            Expressions.Compiled cond = null;
            Expressions.Compiled formula = null;
            if (i.source() == SourceKind.DERIVED) {
                formula = ex.compileFormula(i.formula());
            } else {
                if (i.filter() != null) {
                    f = ex.compileFilter(i.source(), i.assetType(), i.event(), i.filter());
                }
                if (i.condition() != null) {
                    cond = ex.compileFilter(i.source(), i.assetType(), i.event(), i.condition());
                }
            }
            for (Expressions.Compiled x : new Expressions.Compiled[] {f, cond, formula}) {
                if (x != null) {
                    x.errors().forEach(e -> errors.add(new CatalogError(i.file(), i.line(), i.id(), e)));
                }
            }
            c.link(f, cond, formula == null ? null : formula.program());
        }
        if (!errors.isEmpty()) {
            throw new CatalogException(errors);
        }
        linked = true;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        for (CompiledIndicator c : slots) {
            c.linkLater(this);
        }
    }

    /** Slots reading this metric of this asset type (gauge or counter); an empty array when none. */
    public int[] slotsForReading(String assetType, String metric) {
        return readingRoutes.getOrDefault(key(assetType, metric), NONE);
    }

    /** Slots reading this event kind from this asset type (including any-type indicators). */
    public int[] slotsForEvent(String assetType, String kind) {
        return eventRoutes.getOrDefault(key(assetType, kind), NONE);
    }

    public CompiledIndicator slot(int slot) { return slots[slot]; }

    /** The slot of an indicator id, or -1. */
    public int slotOf(String id) {
        Integer s = slotById.get(id);
        return s == null ? -1 : s;
    }

    /** The compiled indicator with this id, or null. */
    public CompiledIndicator indicator(String id) {
        int s = slotOf(id);
        return s < 0 ? null : slots[s];
    }

    public int size() { return slots.length; }

    /** Derived (formula) slots, each after the derived slots it reads. */
    public int[] derivedOrder() { return derivedOrder.clone(); }

    /** The slots a formula slot reads, ascending; null for a slot without a formula ({@link PlanIndex#formulaInputs}). */
    int[] formulaInputs(int slot) { return formulaInputs[slot]; }

    public AssetTypes assetTypes() { return types; }

    public CityTopology topology() { return topology; }

    /** Number of distinct routing keys (for stats). */
    public int routeCount() { return readingRoutes.size() + eventRoutes.size(); }
}
