package org.citytwin.model.plan;

import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.PlainPredicate;

import java.util.Map;
import java.util.Optional;

/**
 * One filter or share condition of a slot, evaluated as its CEL program would be: by its plain Java
 * form when it has one and its variables have their declared types, else by the CEL program; and,
 * when it reads only the asset's static attributes, remembered per asset ({@link AssetVerdicts}).
 * <p>Variables: a reading's {@code value} and {@code online}; an event's attributes; then the
 * asset's declared attributes, a declared attribute the asset lacks taking its declared default; an
 * undeclared name is unbound (CEL then yields no boolean: the filter does not hold).
 */
final class CompiledFilter {
    private static final Object[] NO_VARIABLES = new Object[0];

    private final CelRuntime.Program program;
    /** The plain form, or null: the CEL program decides. */
    private final PlainPredicate plain;
    /** Declared variable → default when the asset lacks it. */
    private final Map<String, Object> defaults;
    /** Per variable of {@link #plain}: its declared default, or null when undeclared (unbound). */
    private final Object[] plainDefaults;
    /** The variables the expression reads. */
    private final String[] references;
    /** Per-asset results; null unless the expression reads no reading variable. */
    private final AssetVerdicts verdicts;

    /**
     * @param reading whether this filters readings ({@code value}, {@code online}) rather than events
     */
    CompiledFilter(Expressions.Compiled compiled, Map<String, Object> defaults, boolean reading) {
        this.program = compiled.program();
        this.plain = compiled.plain();
        this.defaults = defaults;
        this.plainDefaults = new Object[plain == null ? 0 : plain.nameCount()];
        for (int i = 0; i < plainDefaults.length; i++) {
            plainDefaults[i] = defaults.get(plain.name(i));
        }
        this.references = compiled.references().toArray(new String[0]);
        boolean attributesOnly = !reading
                || !(compiled.references().contains("value") || compiled.references().contains("online"));
        this.verdicts = attributesOnly ? new AssetVerdicts() : null;
    }

    /** Whether it holds for a reading (the reading's value, the asset's online state, the asset). */
    boolean holds(double value, boolean online, Asset asset) {
        if (verdicts == null || asset == null) {
            return evaluate(value, online, asset);
        }
        int known = verdicts.lookup(asset);
        if (known != AssetVerdicts.UNKNOWN) {
            return known == 1;
        }
        boolean holds = evaluate(value, online, asset);
        verdicts.remember(asset, holds);
        return holds;
    }

    /** Whether it holds for an event's attributes and its asset. */
    boolean holds(Map<String, Object> eventAttributes, Asset asset) {
        if (asset == null || !readsOnlyAsset(eventAttributes)) {
            return evaluate(eventAttributes, asset);
        }
        int known = verdicts.lookup(asset);
        if (known != AssetVerdicts.UNKNOWN) {
            return known == 1;
        }
        boolean holds = evaluate(eventAttributes, asset);
        verdicts.remember(asset, holds);
        return holds;
    }

    /** Whether the result depends on the asset alone: none of its variables is given by the event. */
    private boolean readsOnlyAsset(Map<String, Object> eventAttributes) {
        if (verdicts == null) {
            return false;
        }
        for (String name : references) {
            if (eventAttributes.get(name) != null) {
                return false;
            }
        }
        return true;
    }

    private boolean evaluate(double value, boolean online, Asset asset) {
        if (plain != null) {
            Object[] vars = plain.nameCount() == 0 ? NO_VARIABLES : new Object[plain.nameCount()];
            for (int i = 0; i < vars.length; i++) {
                Object bound = assetVariable(plain.name(i), plainDefaults[i], asset);
                if (!plain.decides(i, bound)) {
                    return Expressions.test(program, readingVars(value, online, asset));
                }
                vars[i] = bound;
            }
            return plain.test(value, online, vars);
        }
        return Expressions.test(program, readingVars(value, online, asset));
    }

    private boolean evaluate(Map<String, Object> eventAttributes, Asset asset) {
        if (plain != null) {
            Object[] vars = new Object[plain.nameCount()];
            for (int i = 0; i < vars.length; i++) {
                Object bound = eventVariable(plain.name(i), eventAttributes, asset);
                if (!plain.decides(i, bound)) {
                    return Expressions.test(program, eventVars(eventAttributes, asset));
                }
                vars[i] = bound;
            }
            return plain.test(0, false, vars);
        }
        return Expressions.test(program, eventVars(eventAttributes, asset));
    }

    /** The variables of a reading's filter: the reading's value, online, and the asset's declared attributes. */
    private CelVariableResolver readingVars(double value, boolean online, Asset asset) {
        return name -> switch (name) {
            case "value" -> Optional.of(value);
            case "online" -> Optional.of(online);
            default -> Optional.ofNullable(assetVariable(name, asset));
        };
    }

    private CelVariableResolver eventVars(Map<String, Object> eventAttributes, Asset asset) {
        return name -> Optional.ofNullable(eventVariable(name, eventAttributes, asset));
    }

    private Object eventVariable(String name, Map<String, Object> eventAttributes, Asset asset) {
        Object value = eventAttributes.get(name);
        return value != null ? value : assetVariable(name, asset);
    }

    /** A declared attribute variable: the asset's value, else the declared default; null (unbound) when undeclared. */
    private Object assetVariable(String name, Asset asset) {
        return assetVariable(name, defaults.get(name), asset);
    }

    /** {@link #assetVariable(String, Asset)} with the name's declared default (null: undeclared) at hand. */
    private static Object assetVariable(String name, Object fallback, Asset asset) {
        if (fallback == null) {
            return null;
        }
        Object value = asset == null ? null : asset.attributes().get(name);
        return value != null ? value : fallback;
    }
}
