package org.citytwin.model.scenario;

import java.io.Serializable;

/**
 * Synthetic gauge readings: every asset of {@code assetType} in the scope reports {@code metric}
 * every {@code everyMs} of the window, at {@code from + (to − from) × shape(x)} (plus
 * {@code noise} × N(0,1), seeded), clamped to the metric's range and quantized to its resolution.
 */
public record ReadingOverlay(int line, String assetType, String metric, double from, double to, ScenarioShape shape,
        long everyMs, double noise, ScenarioScope scope) implements Serializable {

    /** The level before noise at fraction {@code x} of the window. */
    public double level(double x) {
        return from + (to - from) * shape.at(x);
    }
}
