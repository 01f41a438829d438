package org.citytwin.model.scenario;

import java.io.Serializable;
import java.util.Map;

/**
 * Synthetic events: {@code ratePerMinute × shape} events of kind {@code event} per minute of the
 * window, for each asset of {@code assetType} in the scope ({@link Per#ASSET}) or for each street or
 * district that has such assets (the asset drawn among them). Attributes given in
 * {@code attributes} are fixed; the others are drawn as the city simulator draws them.
 */
public record EventOverlay(int line, String assetType, String event, double ratePerMinute, Per per,
        ScenarioShape shape, Map<String, Object> attributes, ScenarioScope scope) implements Serializable {

    /** What the rate counts per. */
    public enum Per { ASSET, STREET, DISTRICT }

    public EventOverlay {
        attributes = Map.copyOf(attributes);
    }
}
