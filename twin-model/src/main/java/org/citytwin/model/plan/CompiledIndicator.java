package org.citytwin.model.plan;

import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.AreaLevel;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One slot of an {@link EvaluationPlan}: the indicator plus its compiled CEL programs. The
 * programs are not serializable; a deserialized plan compiles them when one is first needed.
 */
public final class CompiledIndicator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final Indicator indicator;
    /** Declared variables of the filter environment with the default used when an asset lacks the attribute. */
    private final Map<String, Object> defaults;
    private transient CelRuntime.Program filter;
    private transient CelRuntime.Program condition;
    private transient CelRuntime.Program formula;
    /** The deserialized plan that compiles the programs on first use; null once they are linked. */
    private transient EvaluationPlan unlinked;

    CompiledIndicator(int slot, Indicator indicator, Map<String, Object> defaults) {
        this.slot = slot;
        this.indicator = indicator;
        this.defaults = defaults;
    }

    void link(CelRuntime.Program filter, CelRuntime.Program condition, CelRuntime.Program formula) {
        this.filter = filter;
        this.condition = condition;
        this.formula = formula;
        this.unlinked = null;
    }

    /** After deserialization: the programs are compiled by {@code plan} when one is first needed. */
    void linkLater(EvaluationPlan plan) {
        this.unlinked = plan;
    }

    /** Compiles the plan's programs if this slot came from a deserialized plan that has not yet. */
    private CompiledIndicator linked() {
        if (unlinked != null) {
            unlinked.link();
        }
        return this;
    }

    public int slot() { return slot; }

    public Indicator indicator() { return indicator; }

    public String id() { return indicator.id(); }

    public String category() { return indicator.category(); }

    public Aggregation aggregation() { return indicator.aggregation(); }

    public SourceKind source() { return indicator.source(); }

    /** Tick (gauges, derived) or tumbling window (counters, events) in ms. */
    public long periodMs() { return indicator.periodMs(); }

    public List<AreaLevel> levels() { return indicator.levels(); }

    public double resolution() { return indicator.resolution(); }

    /** Gauge over a static attribute (capacity...): the attribute name, else null. */
    public String valueAttribute() {
        return indicator.source() == SourceKind.GAUGE ? indicator.attribute() : null;
    }

    /**
     * Whether a gauge/counter reading of an asset passes the filter ({@code value} is the increment for
     * counters). A gauge counts online assets only, unless the indicator says {@code offline: keep}.
     */
    public boolean acceptsReading(double value, boolean online, Asset asset) {
        if (!online && indicator.source() == SourceKind.GAUGE && !indicator.offlineKeep()) {
            return false;
        }
        CelRuntime.Program filter = linked().filter;
        return filter == null || Expressions.test(filter, readingVars(value, online, asset));
    }

    /** For SHARE: whether the asset's state meets the condition. */
    public boolean conditionHolds(double value, boolean online, Asset asset) {
        CelRuntime.Program condition = linked().condition;
        return condition == null || Expressions.test(condition, readingVars(value, online, asset));
    }

    /** Whether an event (attributes) of an asset passes the filter. */
    public boolean acceptsEvent(Map<String, Object> eventAttributes, Asset asset) {
        CelRuntime.Program filter = linked().filter;
        if (filter == null) {
            return true;
        }
        return Expressions.test(filter, name -> {
            Object value = eventAttributes.get(name);
            return value != null ? Optional.of(value) : assetVariable(name, asset);
        });
    }

    /** Evaluates a FORMULA over the values of the indicators it reads (by id); NaN when it cannot. */
    public double evaluate(Map<String, Double> inputs) {
        CelRuntime.Program formula = linked().formula;
        if (formula == null) {
            throw new IllegalStateException(indicator.id() + " is not a formula");
        }
        return Expressions.evaluate(formula, inputs);
    }

    /** The variables of a reading's filter: the reading's value, online, and the asset's declared attributes. */
    private CelVariableResolver readingVars(double value, boolean online, Asset asset) {
        return name -> switch (name) {
            case "value" -> Optional.of(value);
            case "online" -> Optional.of(online);
            default -> assetVariable(name, asset);
        };
    }

    /** A declared attribute variable: the asset's value, else the declared default; undeclared names are unbound. */
    private Optional<Object> assetVariable(String name, Asset asset) {
        if (!defaults.containsKey(name)) {
            return Optional.empty();
        }
        Object value = asset == null ? null : asset.attributes().get(name);
        return Optional.ofNullable(value != null ? value : defaults.get(name));
    }

    @Override
    public String toString() { return slot + ":" + indicator.id(); }
}
