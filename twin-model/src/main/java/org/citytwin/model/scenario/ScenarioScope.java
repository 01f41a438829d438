package org.citytwin.model.scenario;

import java.io.Serializable;
import java.util.List;

/**
 * Where and when an overlay entry applies: its window as offsets from the scenario's start, and
 * the districts or streets (area codes) whose assets it touches; both lists empty means the city.
 */
public record ScenarioScope(long offsetMs, long durationMs, List<String> districts, List<String> streets)
        implements Serializable {
    public ScenarioScope {
        districts = List.copyOf(districts);
        streets = List.copyOf(streets);
    }
}
