package org.citytwin.model.event;

import java.io.Serializable;
import java.util.Map;

/**
 * One accepted feed record: readings {@code {metric: value}} of an asset, or one event of
 * {@code kind} with its attributes (Double, String or Boolean). {@code eventId} is optional (dedup).
 */
public record Event(String eventId, String assetId, long time, Map<String, Double> readings, String kind,
                    Map<String, Object> attributes) implements Serializable {
    public boolean isReading() { return kind == null; }
}
