package org.citytwin.jobs.engine.twin;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.citytwin.jobs.engine.FieldTypeInfo;

/**
 * What one event changes in the asset's street (the pre-aggregation adds it to every level):
 * {@link GaugeChanges} or {@link WindowItems}. Values are fixed-point longs in units of the
 * group's resolution, so areas sum them exactly. The twins pass them to the chained
 * pre-aggregation without copying; {@link ContributionSerializer} serves an unchained edge.
 */
public sealed interface Contribution permits GaugeChanges, WindowItems {

    /** The type of the twins' output. */
    TypeInformation<Contribution> TYPE = new FieldTypeInfo<>(Contribution.class, ContributionSerializer.INSTANCE);

    /** The street the asset contributes to. */
    String street();

    /** Gauge changes: the effective time of the change. Window items: the event time. */
    long time();

    /** Accumulator groups ({@code PlanIndex.groupOf}). */
    int[] groups();
}
