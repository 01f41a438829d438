package org.citytwin.model.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DistrictCentroidsTest {

    @Test
    void everyShanghaiDistrictHasACentroidInsideTheMunicipality() {
        Map<String, DistrictCentroids.Centroid> centroids = DistrictCentroids.load("shanghai");
        List<String> districts = CityTopology.load("shanghai").districts().stream().map(Area::code).toList();

        assertThat(centroids.keySet()).containsExactlyElementsOf(districts);
        // The municipality spans about 30.67–31.88 N and 120.85–122.12 E.
        centroids.values().forEach(c -> {
            assertThat(c.lat()).isBetween(30.67, 31.88);
            assertThat(c.lon()).isBetween(120.85, 122.12);
        });
        assertThat(centroids.get("310101")).isEqualTo(new DistrictCentroids.Centroid(31.231, 121.484));
    }
}
