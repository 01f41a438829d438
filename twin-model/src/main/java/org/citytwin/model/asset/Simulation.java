package org.citytwin.model.asset;

import java.io.Serializable;

/**
 * How the simulator draws a metric, an attribute or an event (from the {@code sim:} block of
 * asset-types.yaml). {@code profile} is the daily shape, {@code weekend} scales the level on
 * Saturdays and Sundays, {@code storm} is added (metrics) or multiplies the rate (events) during a
 * rainstorm at full intensity.
 */
public record Simulation(double base, double amp, String profile, double noise, double min, double max,
                         double weekend, double storm) implements Serializable {
    public static final Simulation NONE = new Simulation(0, 0, "flat", 0, 0, Double.MAX_VALUE, 1, 0);
}
