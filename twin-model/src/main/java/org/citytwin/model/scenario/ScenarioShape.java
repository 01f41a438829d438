package org.citytwin.model.scenario;

import java.util.Locale;

/**
 * How an overlay entry's level moves over its window, as a factor 0..1 of the window's fraction
 * {@code x} in [0, 1): {@code ramp} rises linearly (x), {@code peak} rises and falls back as a raised
 * cosine ((1 − cos 2πx) / 2, 1 at mid-window), {@code hold} stays at 1.
 */
public enum ScenarioShape {
    RAMP, PEAK, HOLD;

    public double at(double x) {
        return switch (this) {
            case RAMP -> x;
            case PEAK -> (1 - Math.cos(2 * Math.PI * x)) / 2;
            case HOLD -> 1;
        };
    }

    /** The shape named in a scenario file, or null. */
    static ScenarioShape named(String name) {
        for (ScenarioShape s : values()) {
            if (s.name().toLowerCase(Locale.ROOT).equals(name)) {
                return s;
            }
        }
        return null;
    }
}
