package org.citytwin.jobs.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;

/**
 * A registry with entries that apply from within a feed ({@code valid_from}): a seeded share of
 * the assets move to another street, others change their attributes (numbers doubled, texts set
 * to another value assets of their type have), and some of the moved ones move back later.
 */
public final class RegistryMoves {

    private RegistryMoves() {}

    /** What was added: entries per kind. */
    public record Added(AssetRegistry registry, int moves, int attributeChanges, int movesBack) {}

    /**
     * A copy of {@code registry} with entries for about {@code share} of its assets, each from a
     * time (to the millisecond) in the middle of [{@code start}, {@code start + duration}).
     */
    public static Added within(AssetRegistry registry, CityTopology topology, long start, long duration, double share,
            long seed) {
        Random random = new Random(seed);
        List<Area> streets = topology.streets();
        Map<String, Map<String, TreeSet<String>>> textsByType = new HashMap<>();
        for (Asset a : registry.all()) {
            a.attributes().forEach((name, value) -> {
                if (value instanceof String text) {
                    textsByType.computeIfAbsent(a.type(), t -> new HashMap<>())
                            .computeIfAbsent(name, n -> new TreeSet<>()).add(text);
                }
            });
        }
        AssetRegistry moved = new AssetRegistry();
        int moves = 0;
        int changes = 0;
        int back = 0;
        for (Asset asset : registry.all()) {
            moved.put(asset);
            if (random.nextDouble() >= share) {
                continue;
            }
            long from = start + duration / 6 + (long) (random.nextDouble() * duration / 2);
            if (random.nextBoolean()) {
                String street = streets.get(random.nextInt(streets.size())).code();
                if (street.equals(asset.street())) {
                    continue;
                }
                moved.put(new Asset(asset.id(), asset.type(), street, asset.lat(), asset.lon(), asset.attributes()), from);
                moves++;
                if (random.nextInt(3) == 0) {
                    moved.put(asset, from + duration / 12 + random.nextInt(60_000));
                    back++;
                }
            } else {
                Map<String, Object> attributes = changed(asset, textsByType.getOrDefault(asset.type(), Map.of()), random);
                if (attributes.equals(asset.attributes())) {
                    continue;
                }
                moved.put(new Asset(asset.id(), asset.type(), asset.street(), asset.lat(), asset.lon(), attributes), from);
                changes++;
            }
        }
        return new Added(moved, moves, changes, back);
    }

    /** Numbers doubled; each text set to another value that assets of the type have, if there is one. */
    private static Map<String, Object> changed(Asset asset, Map<String, TreeSet<String>> texts, Random random) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        asset.attributes().forEach((name, value) -> {
            if (value instanceof Number n) {
                attributes.put(name, n.doubleValue() * 2);
            } else if (value instanceof String text) {
                List<String> others = new ArrayList<>(texts.getOrDefault(name, new TreeSet<>()));
                others.remove(text);
                attributes.put(name, others.isEmpty() ? text : others.get(random.nextInt(others.size())));
            } else {
                attributes.put(name, value);
            }
        });
        return attributes;
    }

    /** The assets with more than one entry. */
    public static long assetsWithEntriesWithin(AssetRegistry registry) {
        return registry.all().stream().map(a -> registry.history(a.id())).filter(h -> h.entries().size() > 1).count();
    }
}
