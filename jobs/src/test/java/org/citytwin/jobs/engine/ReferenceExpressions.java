package org.citytwin.jobs.engine;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.event.Event;

/**
 * The reference's own CEL: the catalog's filters, share conditions and formulas compiled with the
 * CEL library against the variables docs/catalog-format.md names, and evaluated over variables
 * built here from the record and the registry — not through the plan's compiled programs or
 * resolver. Numbers compare across int and double, as the format says.
 */
final class ReferenceExpressions {

    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();

    /** Filter environments by their variables' source (building one takes milliseconds), and their programs. */
    private final Map<String, Cel> environments = new HashMap<>();
    private final Map<String, CelRuntime.Program> filters = new HashMap<>();
    private final Map<String, Formula> formulas = new HashMap<>();
    private final Cel formulaEnvironment;

    /** A formula and the indicator ids it reads, in the order they appear in its syntax tree. */
    record Formula(CelRuntime.Program program, List<String> inputs) {}

    ReferenceExpressions(Collection<String> indicatorIds) {
        CelBuilder builder = CelFactory.standardCelBuilder().setOptions(OPTIONS).setResultType(SimpleType.DOUBLE);
        indicatorIds.forEach(id -> builder.addVar(id, SimpleType.DOUBLE));
        formulaEnvironment = builder.build();
    }

    /**
     * A gauge or counter filter, or a share condition: {@code value} (the reading, or the counter's
     * increment), {@code online} and the asset type's static attributes.
     */
    boolean holdsForReading(String expression, AssetType type, Asset asset, double value, boolean online) {
        String environment = "reading|" + type.name();
        CelRuntime.Program program = filters.computeIfAbsent(environment + "|" + expression, k -> {
            Map<String, CelType> declared = new LinkedHashMap<>();
            declared.put("value", SimpleType.DOUBLE);
            declared.put("online", SimpleType.BOOL);
            type.attributes().values().forEach(a -> declared.putIfAbsent(a.name(), celType(a)));
            return compile(environment, expression, declared);
        });
        Map<String, Object> variables = new HashMap<>();
        staticAttributes(type, asset, variables);
        variables.put("value", value);
        variables.put("online", online);
        return holds(program, expression, variables);
    }

    /**
     * An event filter: the event's attributes (as the asset's type declares the kind) and, when the
     * indicator names its asset type, the asset's static attributes.
     */
    boolean holdsForEvent(String expression, AssetType type, Asset asset, Event event, boolean seesAsset) {
        String environment = "event|" + type.name() + "|" + event.kind() + "|" + seesAsset;
        CelRuntime.Program program = filters.computeIfAbsent(environment + "|" + expression, k -> {
            Map<String, CelType> declared = new LinkedHashMap<>();
            type.event(event.kind()).attributes().values().forEach(a -> declared.put(a.name(), celType(a)));
            if (seesAsset) {
                type.attributes().values().forEach(a -> declared.putIfAbsent(a.name(), celType(a)));
            }
            return compile(environment, expression, declared);
        });
        Map<String, Object> variables = new HashMap<>();
        if (seesAsset) {
            staticAttributes(type, asset, variables);
        }
        for (AttributeDef a : type.event(event.kind()).attributes().values()) {
            variables.put(a.name(), typed(a, event.attributes().get(a.name()), "event of " + asset.id()));
        }
        return holds(program, expression, variables);
    }

    /** The formula of a derived indicator, compiled over every indicator id. */
    Formula formula(String expression) {
        return formulas.computeIfAbsent(expression, e -> {
            try {
                CelAbstractSyntaxTree ast = formulaEnvironment.compile(e).getAst();
                Set<String> inputs = new LinkedHashSet<>();
                ast.getReferenceMap().values().forEach(ref -> {
                    if (!ref.name().isEmpty()) {
                        inputs.add(ref.name());
                    }
                });
                return new Formula(formulaEnvironment.createProgram(ast), List.copyOf(inputs));
            } catch (CelValidationException | CelEvaluationException ex) {
                throw new IllegalStateException("formula '" + e + "' does not compile: " + ex.getMessage(), ex);
            }
        });
    }

    /** A formula's value over its inputs; NaN when CEL cannot evaluate it. */
    static double evaluate(Formula formula, Map<String, Double> inputs) {
        try {
            return formula.program().eval(inputs) instanceof Number n ? n.doubleValue() : Double.NaN;
        } catch (CelEvaluationException e) {
            return Double.NaN;
        }
    }

    private CelRuntime.Program compile(String environment, String expression, Map<String, CelType> declared) {
        Cel cel = environments.computeIfAbsent(environment, k -> {
            CelBuilder builder = CelFactory.standardCelBuilder().setOptions(OPTIONS).setResultType(SimpleType.BOOL);
            declared.forEach(builder::addVar);
            return builder.build();
        });
        try {
            return cel.createProgram(cel.compile(expression).getAst());
        } catch (CelValidationException | CelEvaluationException e) {
            throw new IllegalStateException("filter '" + expression + "' does not compile over " + declared.keySet()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The semantics do not say what a filter that fails to evaluate means: the reference refuses to guess. */
    private static boolean holds(CelRuntime.Program program, String expression, Map<String, Object> variables) {
        try {
            return Boolean.TRUE.equals(program.eval(variables));
        } catch (CelEvaluationException e) {
            throw new IllegalStateException("filter '" + expression + "' fails over " + variables + ": " + e.getMessage(), e);
        }
    }

    private static void staticAttributes(AssetType type, Asset asset, Map<String, Object> variables) {
        for (AttributeDef a : type.attributes().values()) {
            variables.put(a.name(), typed(a, asset.attributes().get(a.name()), "asset " + asset.id()));
        }
    }

    /** An attribute's value as the CEL type its declaration gives it (numbers are doubles). */
    private static Object typed(AttributeDef a, Object value, String where) {
        if (value == null) {
            throw new IllegalStateException(where + " lacks its declared attribute '" + a.name() + "'");
        }
        return switch (a.type()) {
            case NUMBER -> ((Number) value).doubleValue();
            case STRING -> (String) value;
            case BOOL -> (Boolean) value;
        };
    }

    private static CelType celType(AttributeDef a) {
        return switch (a.type()) {
            case NUMBER -> SimpleType.DOUBLE;
            case STRING -> SimpleType.STRING;
            case BOOL -> SimpleType.BOOL;
        };
    }
}
