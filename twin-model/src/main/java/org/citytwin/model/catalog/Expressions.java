package org.citytwin.model.catalog;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.EventKindDef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CEL environments of the catalog, and compilation of its filters and formulas.
 * <ul>
 *   <li>gauge/counter filters and share conditions: {@code value} (double; for counters the
 *       increment), {@code online} (bool) and the asset type's static attributes;</li>
 *   <li>event filters: the event kind's attributes and (when the asset type is given) the asset's
 *       static attributes;</li>
 *   <li>formulas: every indicator id, as a double.</li>
 * </ul>
 * Numbers compare across int and double ({@code value > 3} works).
 */
public final class Expressions {
    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']+)'");
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    /**
     * Programs that compiled, by environment and expression, shared by every plan in this JVM: a
     * job's operators each hold a copy of the plan, and a TaskManager runs several of them (and
     * runs them again after a restart). Compiling one costs milliseconds; evaluating is thread-safe.
     */
    private static final Map<String, Compiled> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private final AssetTypes types;
    private final Map<String, Cel> envs = new HashMap<>();
    private Cel formulaEnv;
    private Set<String> formulaIds = Set.of();

    public Expressions(AssetTypes types) {
        this.types = types;
    }

    /**
     * A compiled expression, or the reasons it does not compile. {@code plain} is a filter's plain
     * Java form when its shape is a simple one ({@link PlainPredicate}), else null.
     */
    public record Compiled(CelRuntime.Program program, List<String> errors, Set<String> references, PlainPredicate plain) {
        public boolean ok() { return errors.isEmpty(); }
    }

    /** Variables visible to filters of a source. Null when the source itself is unknown. */
    public Map<String, CelType> filterVariables(SourceKind kind, String assetType, String event) {
        Map<String, CelType> vars = new LinkedHashMap<>();
        AssetType t = assetType == null ? null : types.get(assetType);
        if (assetType != null && t == null) {
            return null;
        }
        if (kind == SourceKind.EVENT) {
            EventKindDef ek = eventKind(assetType, event);
            if (ek == null) {
                return null;
            }
            ek.attributes().values().forEach(a -> vars.put(a.name(), celType(a)));
        } else {
            vars.put("value", SimpleType.DOUBLE);
            vars.put("online", SimpleType.BOOL);
        }
        if (t != null) {
            t.attributes().values().forEach(a -> vars.putIfAbsent(a.name(), celType(a)));
        }
        return vars;
    }

    /** The event kind definition for a type, or for any type declaring it when {@code assetType} is null. */
    public EventKindDef eventKind(String assetType, String event) {
        if (assetType != null) {
            AssetType t = types.get(assetType);
            return t == null ? null : t.event(event);
        }
        for (AssetType t : types.all()) {
            if (t.event(event) != null) {
                return t.event(event);
            }
        }
        return null;
    }

    static CelType celType(AttributeDef a) {
        switch (a.type()) {
            case STRING: return SimpleType.STRING;
            case BOOL: return SimpleType.BOOL;
            default: return SimpleType.DOUBLE;
        }
    }

    /** Compiles a boolean filter (or share condition) over the variables of a source. */
    public synchronized Compiled compileFilter(SourceKind kind, String assetType, String event, String expr) {
        Map<String, CelType> vars = filterVariables(kind, assetType, event);
        if (vars == null) {
            return new Compiled(null, List.of("unknown source for the filter"), Set.of(), null);
        }
        // The source kind is part of the key: it decides whether value and online are a reading's.
        String cacheKey = "filter\u0000" + (kind == SourceKind.EVENT) + "\u0000" + vars + "\u0000" + expr;
        Compiled known = COMPILED.get(cacheKey);
        if (known != null) {
            return known;
        }
        Cel cel = envs.computeIfAbsent(kind + "|" + assetType + "|" + event, k -> {
            CelBuilder b = CelFactory.standardCelBuilder().setOptions(OPTIONS).setResultType(SimpleType.BOOL);
            vars.forEach(b::addVar);
            return b.build();
        });
        String what = assetType == null ? "event " + event
                : kind == SourceKind.EVENT ? "asset type " + assetType + ", event " + event : "asset type " + assetType;
        Compiled compiled = compile(cel, expr, "unknown attribute", what, vars.keySet(), kind != SourceKind.EVENT);
        if (compiled.ok()) {
            COMPILED.put(cacheKey, compiled);
        }
        return compiled;
    }

    /** Declares the indicator ids formulas may use (call before {@link #compileFormula}). */
    public synchronized void declareIndicators(Collection<String> ids) {
        CelBuilder b = CelFactory.standardCelBuilder().setOptions(OPTIONS).setResultType(SimpleType.DOUBLE);
        for (String id : ids) {
            b.addVar(id, SimpleType.DOUBLE);
        }
        formulaEnv = b.build();
        formulaIds = new LinkedHashSet<>(ids);
    }

    /** Compiles a double-valued formula; {@code references} are the indicator ids it reads. */
    public synchronized Compiled compileFormula(String expr) {
        if (formulaEnv == null) {
            throw new IllegalStateException("declareIndicators first");
        }
        // A formula that compiled reads only the ids it references, all doubles: the same program
        // wherever those ids are declared.
        Compiled known = COMPILED.get("formula\u0000" + expr);
        if (known != null && formulaIds.containsAll(known.references())) {
            return known;
        }
        Compiled compiled = compile(formulaEnv, expr, "unknown indicator", "the catalog", null, null);
        if (compiled.ok()) {
            COMPILED.put("formula\u0000" + expr, compiled);
        }
        return compiled;
    }

    /** {@code reading}: for a filter, whether {@code value} and {@code online} are a reading's; null for a formula. */
    private static Compiled compile(Cel cel, String expr, String unknownWhat, String where, Set<String> known,
                                    Boolean reading) {
        CelValidationResult r;
        try {
            r = cel.compile(expr);
        } catch (RuntimeException e) {
            return new Compiled(null, List.of("bad CEL '" + expr + "': " + e.getMessage()), Set.of(), null);
        }
        if (r.hasError()) {
            List<String> errs = new ArrayList<>();
            for (CelIssue i : r.getErrors()) {
                Matcher m = UNDECLARED.matcher(i.getMessage());
                if (m.find()) {
                    String name = m.group(1);
                    int at = expr.indexOf(name);
                    boolean call = at >= 0 && expr.substring(at + name.length()).stripLeading().startsWith("(");
                    if (call) {
                        errs.add("unknown function '" + name + "' in CEL '" + expr + "'");
                    } else {
                        errs.add(unknownWhat + " '" + name + "' in CEL '" + expr + "' (" + where
                                + (known == null ? "" : " has: " + String.join(", ", known)) + ")");
                    }
                } else {
                    errs.add("bad CEL '" + expr + "': " + i.getMessage());
                }
            }
            return new Compiled(null, errs, Set.of(), null);
        }
        try {
            CelAbstractSyntaxTree ast = r.getAst();
            Set<String> refs = new LinkedHashSet<>();
            ast.getReferenceMap().values().forEach(ref -> {
                if (!ref.name().isEmpty()) {
                    refs.add(ref.name());
                }
            });
            return new Compiled(cel.createProgram(ast), List.of(), refs,
                    reading == null ? null : PlainPredicate.of(ast, reading));
        } catch (Exception e) {
            return new Compiled(null, List.of("bad CEL '" + expr + "': " + e.getMessage()), Set.of(), null);
        }
    }

    /** Evaluates a compiled filter; an evaluation error (e.g. division by zero) counts as no match. */
    public static boolean test(CelRuntime.Program p, Map<String, ?> vars) {
        try {
            return Boolean.TRUE.equals(p.eval(vars));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** Whether a compiled filter holds, its variables looked up by name (no map built per call); false on error. */
    public static boolean test(CelRuntime.Program p, dev.cel.runtime.CelVariableResolver vars) {
        try {
            return Boolean.TRUE.equals(p.eval(vars));
        } catch (CelEvaluationException e) {
            return false;
        }
    }

    /** Evaluates a compiled formula; NaN when it cannot be evaluated (missing input, division by zero). */
    public static double evaluate(CelRuntime.Program p, Map<String, ?> vars) {
        try {
            Object o = p.eval(vars);
            return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
        } catch (CelEvaluationException e) {
            return Double.NaN;
        }
    }

    /** Known formula ids (for diagnostics). */
    public Set<String> formulaIds() { return formulaIds; }
}
