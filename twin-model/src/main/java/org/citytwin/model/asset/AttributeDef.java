package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.List;

/**
 * A named attribute (static on an asset, or carried by an event). Numeric attributes have a unit,
 * a resolution and a declared range {@code [min, max]} (YAML {@code range}); string attributes may
 * list their allowed {@code values}.
 */
public record AttributeDef(String name, AttributeType type, String unit, double resolution, double min, double max,
                           List<String> values, Simulation sim) implements Serializable {

    /** The number rounded to this attribute's resolution. */
    public double quantize(double value) {
        return FixedPoint.fromFixed(FixedPoint.toFixed(value, resolution), resolution);
    }

    /** Whether a finite number may be accepted. */
    public boolean inRange(double value) {
        return FixedPoint.inRange(value, resolution, min, max);
    }

    public String rangeText() {
        return FixedPoint.rangeText(resolution, min, max);
    }
}
