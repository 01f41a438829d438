package org.citytwin.model.asset;

import java.io.Serializable;
import java.util.Map;

/**
 * A kind of IoT terminal: its metrics, event kinds, static attributes and offline silence timeout.
 * {@code density} (assets per street at scale 1) and {@code intervalSeconds} drive the simulator.
 */
public record AssetType(String name, String zh, String en, String category, Map<String, MetricDef> metrics,
                        Map<String, EventKindDef> events, Map<String, AttributeDef> attributes,
                        long silenceTimeoutMs, double density, int intervalSeconds) implements Serializable {

    public MetricDef metric(String metric) { return metrics.get(metric); }

    public EventKindDef event(String kind) { return events.get(kind); }

    public AttributeDef attribute(String attribute) { return attributes.get(attribute); }
}
