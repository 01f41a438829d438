package org.citytwin.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.junit.jupiter.api.Test;

/** The committed dashboards are the generator's output for the Shanghai catalog, and cover it exactly. */
class CatalogDashboardsTest {
    private static final Catalog CATALOG = CatalogLoader.load("shanghai");
    private static final Pattern INDICATOR_ID = Pattern.compile("\"id\" = '([a-z0-9_]+)'");

    @Test
    void committedFilesAreExactlyWhatTheGeneratorProduces() throws IOException {
        Map<String, String> generated = new TreeMap<>();
        DashboardGenerator.generate("shanghai").forEach(f -> generated.put(f.path(), f.content()));
        Map<String, String> committed = new TreeMap<>();
        for (String dir : List.of(DashboardGenerator.DASHBOARDS_DIR, "gazetteer")) {
            try (Stream<Path> files = Files.list(GeneratedDashboards.MODULE.resolve(dir))) {
                for (Path p : files.toList()) {
                    committed.put(dir + "/" + p.getFileName(), Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(committed.keySet()).as("committed files (regenerate: twin grafana --out grafana)")
                .containsExactlyElementsOf(generated.keySet());
        generated.forEach((path, content) -> assertThat(committed.get(path))
                .as(path + " differs from the generator's output; regenerate with: twin grafana --out grafana")
                .isEqualTo(content));
    }

    @Test
    void everyCatalogIndicatorIsOnExactlyOneCategoryDashboardInItsCategory() {
        Map<String, List<String>> dashboardsOf = new HashMap<>();
        int panels = 0;
        for (Map.Entry<String, JsonNode> e : GeneratedDashboards.committed().entrySet()) {
            if (!e.getKey().startsWith("category-")) {
                continue;
            }
            for (JsonNode p : e.getValue().path("panels")) {
                panels++;
                for (JsonNode t : p.path("targets")) {
                    Matcher m = INDICATOR_ID.matcher(t.path("query").asText());
                    assertThat(m.find()).as("panel %s reads one indicator", p.path("title")).isTrue();
                    dashboardsOf.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(e.getValue().path("uid").asText());
                }
            }
        }
        assertThat(panels).isEqualTo(CATALOG.size());
        assertThat(new TreeSet<>(dashboardsOf.keySet()))
                .containsExactlyElementsOf(new TreeSet<>(CATALOG.indicators().stream().map(Indicator::id).toList()));
        for (Indicator i : CATALOG.indicators()) {
            String expectedUid = "ct-" + i.category();
            assertThat(dashboardsOf.get(i.id())).as(i.id()).containsExactly(expectedUid);
        }
    }

    @Test
    void theWallHasATilePerCategoryLinkingToItsDashboardAndRefreshesEveryTenSeconds() {
        JsonNode wall = GeneratedDashboards.committed().get("city-vital-signs.json");
        assertThat(wall.path("title").asText()).isEqualTo("城市生命体征 / City Vital Signs");
        assertThat(wall.path("refresh").asText()).isEqualTo("10s");
        assertThat(wall.path("templating").path("list").get(0).path("name").asText()).isEqualTo("run");
        List<String> links = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (JsonNode p : wall.path("panels")) {
            types.add(p.path("type").asText());
            p.path("links").forEach(l -> links.add(l.path("url").asText()));
        }
        List<String> expectedLinks = new ArrayList<>();
        for (Category c : CATALOG.categories()) {
            expectedLinks.add("/d/ct-" + c.id() + "?var-run=${run}");
        }
        assertThat(links).containsExactlyElementsOf(expectedLinks);
        assertThat(types.subList(0, 32)).containsOnly("stat");
        assertThat(types.subList(32, types.size()))
                .containsExactly("geomap", "table", "timeseries", "timeseries", "timeseries");
    }

    @Test
    void eachWallTileShowsItsCategorysHeadlineIndicatorsThenTheFiringCount() {
        JsonNode wall = GeneratedDashboards.committed().get("city-vital-signs.json");
        for (int k = 0; k < CATALOG.categories().size(); k++) {
            Category c = CATALOG.categories().get(k);
            List<Indicator> headlines = CATALOG.indicators().stream()
                    .filter(i -> i.category().equals(c.id()) && i.headline()).toList();
            JsonNode tile = wall.path("panels").get(k);
            List<String> read = new ArrayList<>();
            List<String> refs = new ArrayList<>();
            for (JsonNode t : tile.path("targets")) {
                refs.add(t.path("refId").asText());
                Matcher m = INDICATOR_ID.matcher(t.path("query").asText());
                if (m.find()) {
                    read.add(m.group(1));
                }
            }
            assertThat(read).as(c.id()).containsExactlyElementsOf(headlines.stream().map(Indicator::id).toList());
            assertThat(refs).as(c.id()).containsExactlyElementsOf(
                    java.util.stream.Stream.concat(List.of("A", "B", "C", "D").subList(0, headlines.size()).stream(),
                            java.util.stream.Stream.of("F")).toList());
            assertThat(tile.path("fieldConfig").path("defaults").path("displayName").asText()).isEqualTo(headlines.get(0).zh());
            for (Indicator h : headlines) {
                assertThat(tile.path("description").asText()).contains(h.zhDescription() + "\n" + h.enDescription());
            }
        }
    }

    @Test
    void everyCategoryPanelDescribesItsIndicatorInBothLanguages() {
        Map<String, Indicator> byTitle = new HashMap<>();
        CATALOG.indicators().forEach(i -> byTitle.put(IndicatorText.title(i), i));
        int described = 0;
        for (Map.Entry<String, JsonNode> e : GeneratedDashboards.committed().entrySet()) {
            if (!e.getKey().startsWith("category-")) {
                continue;
            }
            for (JsonNode p : e.getValue().path("panels")) {
                Indicator i = byTitle.get(p.path("title").asText());
                assertThat(i).as(p.path("title").asText()).isNotNull();
                assertThat(p.path("description").asText()).startsWith(i.zhDescription() + "\n" + i.enDescription() + " (`" + i.id() + "`");
                described++;
            }
        }
        assertThat(described).isEqualTo(CATALOG.size());
    }

    @Test
    void theMapLooksDistrictsUpInTheGeneratedGazetteer() throws IOException {
        JsonNode gazetteer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                GeneratedDashboards.MODULE.resolve(DashboardGenerator.GAZETTEER_FILE).toFile());
        assertThat(gazetteer).hasSize(16);
        assertThat(gazetteer.get(0).path("key").asText()).isEqualTo("310101");
        assertThat(gazetteer.get(0).path("latitude").asDouble()).isEqualTo(31.231);
        assertThat(gazetteer.get(0).path("longitude").asDouble()).isEqualTo(121.484);
        JsonNode map = GeneratedDashboards.committed().get("city-vital-signs.json").path("panels").get(32);
        for (JsonNode layer : map.path("options").path("layers")) {
            assertThat(layer.path("location").path("lookup").asText()).isEqualTo("area");
            assertThat(layer.path("location").path("gazetteer").asText()).isEqualTo(CityWall.GAZETTEER);
        }
    }
}
