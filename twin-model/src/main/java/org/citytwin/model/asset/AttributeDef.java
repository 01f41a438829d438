package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.List;

/**
 * A named attribute (static on an asset, or carried by an event). Numeric attributes have a unit
 * and a resolution; string attributes may list their allowed {@code values}.
 */
public record AttributeDef(String name, AttributeType type, String unit, double resolution, List<String> values,
                           Simulation sim) implements Serializable {
}
