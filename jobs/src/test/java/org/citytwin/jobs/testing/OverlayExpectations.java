package org.citytwin.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;

/**
 * A scenario overlay's effect on the indicators, computed from its records alone (not by the
 * engine): which indicators it can change, and what it adds to the flooding-call and feeder-trip
 * counts. Points are keyed "id|area|time", as {@link ReplayFixture#points} reads them.
 */
public final class OverlayExpectations {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** call_flooding_count and grid_trip_count count per 15-minute window. */
    private static final long COUNT_WINDOW = 900_000;

    private OverlayExpectations() {}

    /** Districts where the registry has assets of every one of these types, by code. */
    public static List<String> districtsWith(AssetRegistry registry, CityTopology topology, String... assetTypes) {
        Map<String, Set<String>> typesByDistrict = new TreeMap<>();
        for (Asset a : registry.all()) {
            typesByDistrict.computeIfAbsent(topology.parent(a.street()).code(), d -> new HashSet<>()).add(a.type());
        }
        List<String> found = new ArrayList<>();
        typesByDistrict.forEach((district, present) -> {
            if (present.containsAll(List.of(assetTypes))) {
                found.add(district);
            }
        });
        assertThat(found).as("districts with " + List.of(assetTypes)).hasSizeGreaterThanOrEqualTo(2);
        return found;
    }

    /** Indicators reading the asset types or event kinds, and formulas over them (transitively). */
    public static Set<String> affectedIndicators(Catalog catalog, Set<String> assetTypes, Set<String> eventKinds) {
        Set<String> affected = new HashSet<>();
        for (Indicator i : catalog.indicators()) {
            if (i.assetType() != null ? assetTypes.contains(i.assetType()) : i.event() != null && eventKinds.contains(i.event())) {
                affected.add(i.id());
            }
        }
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Indicator i : catalog.indicators()) {
                if (i.formula() != null && !affected.contains(i.id())
                        && affected.stream().anyMatch(a -> Pattern.compile("\\b" + a + "\\b").matcher(i.formula()).find())) {
                    grew = affected.add(i.id());
                }
            }
        }
        return affected;
    }

    /** The points of indicators other than {@code ids}. */
    public static Map<String, Double> without(Map<String, Double> points, Set<String> ids) {
        Map<String, Double> rest = new HashMap<>();
        points.forEach((key, value) -> {
            if (!ids.contains(key.substring(0, key.indexOf('|')))) {
                rest.put(key, value);
            }
        });
        return rest;
    }

    /**
     * What the overlay's {@code call} (all of call type flooding) and {@code trip} events add to
     * call_flooding_count and grid_trip_count: one per event in the window it falls in, for its
     * street, district and the city.
     */
    public static Map<String, Double> countsAdded(List<SimRecord> overlay, AssetRegistry registry, CityTopology topology)
            throws IOException {
        Map<String, Double> added = new TreeMap<>();
        for (SimRecord r : overlay) {
            JsonNode record = JSON.readTree(r.json());
            if (record.has("event")) {
                String id = record.get("event").asText().equals("call") ? "call_flooding_count" : "grid_trip_count";
                long windowEnd = (r.time() / COUNT_WINDOW + 1) * COUNT_WINDOW;
                String street = registry.get(r.key()).street();
                for (String area : List.of(street, topology.parent(street).code(), topology.city().code())) {
                    added.merge(id + "|" + area + "|" + windowEnd, 1.0, Double::sum);
                }
            }
        }
        return added;
    }

    /** The values of {@code points} at {@code keys} (null where it has none). */
    public static Map<String, Double> at(Map<String, Double> points, Set<String> keys) {
        Map<String, Double> values = new TreeMap<>();
        keys.forEach(key -> values.put(key, points.get(key)));
        return values;
    }

    /** {@code history}'s points plus what the overlay added ({@link #countsAdded}), for those points. */
    public static Map<String, Double> plus(Map<String, Double> history, Map<String, Double> added) {
        Map<String, Double> expected = new TreeMap<>();
        added.forEach((key, count) -> expected.put(key, history.getOrDefault(key, 0.0) + count));
        return expected;
    }
}
