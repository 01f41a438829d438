package org.citytwin.model.plan;

import dev.cel.runtime.CelRuntime;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Expressions;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.topology.AreaLevel;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * One slot of an {@link EvaluationPlan}: the indicator plus its compiled CEL programs (filters and
 * conditions of simple shapes run as plain Java, see {@link CompiledFilter}). The programs are not
 * serializable; a deserialized plan compiles them when one is first needed. Shared by the threads
 * of a TaskManager's slots: evaluation is thread-safe.
 */
public final class CompiledIndicator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int slot;
    private final Indicator indicator;
    /** Declared variables of the filter environment with the default used when an asset lacks the attribute. */
    private final Map<String, Object> defaults;
    private transient CompiledFilter filter;
    private transient CompiledFilter condition;
    private transient CelRuntime.Program formula;
    /**
     * The deserialized plan that compiles the programs on first use; null once they are linked.
     * Volatile, written after the programs: a thread of another slot that sees null sees them too.
     */
    private transient volatile EvaluationPlan unlinked;

    CompiledIndicator(int slot, Indicator indicator, Map<String, Object> defaults) {
        this.slot = slot;
        this.indicator = indicator;
        this.defaults = defaults;
    }

    void link(Expressions.Compiled filter, Expressions.Compiled condition, CelRuntime.Program formula) {
        boolean reading = indicator.source() != SourceKind.EVENT;
        this.filter = filter == null ? null : new CompiledFilter(filter, defaults, reading);
        this.condition = condition == null ? null : new CompiledFilter(condition, defaults, reading);
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
        CompiledFilter filter = linked().filter;
        return filter == null || filter.holds(value, online, asset);
    }

    /** For SHARE: whether the asset's state meets the condition. */
    public boolean conditionHolds(double value, boolean online, Asset asset) {
        CompiledFilter condition = linked().condition;
        return condition == null || condition.holds(value, online, asset);
    }

    /** Whether an event (attributes) of an asset passes the filter. */
    public boolean acceptsEvent(Map<String, Object> eventAttributes, Asset asset) {
        CompiledFilter filter = linked().filter;
        return filter == null || filter.holds(eventAttributes, asset);
    }

    /** Evaluates a FORMULA over the values of the indicators it reads (by id); NaN when it cannot. */
    public double evaluate(Map<String, Double> inputs) {
        CelRuntime.Program formula = linked().formula;
        if (formula == null) {
            throw new IllegalStateException(indicator.id() + " is not a formula");
        }
        return Expressions.evaluate(formula, inputs);
    }

    @Override
    public String toString() { return slot + ":" + indicator.id(); }
}
