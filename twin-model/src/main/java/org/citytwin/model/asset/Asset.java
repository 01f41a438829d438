package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.Map;

/** One registered device: id, asset type, the street it is in, position and static attributes. */
public record Asset(String id, String type, String street, double lat, double lon, Map<String, Object> attributes)
        implements Serializable {
    public Asset {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
