package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** A kind of discrete event an asset type emits (fault, alarm, call, session end...) and its attributes. */
public record EventKindDef(String name, String zh, String en, Map<String, AttributeDef> attributes,
                           Simulation sim) implements Serializable {
    public List<String> attributeNames() { return List.copyOf(attributes.keySet()); }
}
