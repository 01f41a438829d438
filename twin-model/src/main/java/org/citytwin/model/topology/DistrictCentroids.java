package org.citytwin.model.topology;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.citytwin.model.CitySource;
import org.citytwin.model.yaml.YamlNode;

/**
 * Approximate district centroids (WGS84) from the {@code centroid} entries of {@code topology.yaml},
 * for placing districts on a map; kept apart from {@link Area} because only map views need them.
 */
public final class DistrictCentroids {

    /** A point on the map, in degrees. */
    public record Centroid(double lat, double lon) {}

    private DistrictCentroids() {}

    /** District code → centroid, in topology order; districts without a {@code centroid} are absent. */
    public static Map<String, Centroid> load(CitySource src) {
        try (InputStream in = src.open(CitySource.TOPOLOGY)) {
            YamlNode root = YamlNode.parse(in, new ArrayList<>());
            Map<String, Centroid> out = new LinkedHashMap<>();
            YamlNode districts = root.get("districts");
            for (YamlNode d : districts == null ? java.util.List.<YamlNode>of() : districts.items()) {
                YamlNode c = d.get("centroid");
                if (c != null) {
                    double lat = c.number("lat", Double.NaN);
                    double lon = c.number("lon", Double.NaN);
                    if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) {
                        throw new IllegalArgumentException(src.display(CitySource.TOPOLOGY) + ":" + c.line()
                                + ": centroid needs lat in [-90, 90] and lon in [-180, 180]");
                    }
                    out.put(d.text("code", null), new Centroid(lat, lon));
                }
            }
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Same, for a classpath city name or a directory. */
    public static Map<String, Centroid> load(String cityOrDir) {
        return load(CitySource.of(cityOrDir));
    }
}
