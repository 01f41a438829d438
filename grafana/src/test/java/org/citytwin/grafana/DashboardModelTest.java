package org.citytwin.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every committed dashboard is a well-formed Grafana dashboard model: uid, schema version, unique
 * panel ids, panels inside the 24-column grid without overlaps, every variable used defined, every
 * datasource reference resolving to the provisioned datasource.
 */
class DashboardModelTest {
    /** Grafana's own macros and the InfluxDB alias patterns, which are not template variables. */
    private static final Set<String> BUILT_IN = Set.of("timeFilter", "__interval", "__interval_ms", "__from", "__to");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");
    private static final Map<String, JsonNode> DASHBOARDS = GeneratedDashboards.committed();

    @Test
    void eachDashboardHasAUniqueValidUidAndTheSchemaVersion() {
        Set<String> uids = new HashSet<>();
        for (JsonNode d : DASHBOARDS.values()) {
            String uid = d.path("uid").asText();
            assertThat(uid).matches("[a-zA-Z0-9_-]{1,40}");
            assertThat(uids.add(uid)).as("uid %s unique", uid).isTrue();
            assertThat(d.path("schemaVersion").asInt()).isEqualTo(DashboardShell.SCHEMA_VERSION);
            assertThat(d.path("title").asText()).isNotBlank();
            assertThat(d.path("panels").isArray()).isTrue();
        }
        assertThat(uids).hasSize(34);
    }

    @Test
    void panelIdsAreUniqueAndPanelsFitTheGridWithoutOverlapping() {
        for (Map.Entry<String, JsonNode> e : DASHBOARDS.entrySet()) {
            Set<Integer> ids = new HashSet<>();
            List<int[]> boxes = new ArrayList<>();
            for (JsonNode p : e.getValue().path("panels")) {
                assertThat(ids.add(p.path("id").asInt())).as("%s panel id %s unique", e.getKey(), p.path("id")).isTrue();
                assertThat(p.path("id").asInt()).isPositive();
                JsonNode g = p.path("gridPos");
                int x = g.path("x").asInt(-1), y = g.path("y").asInt(-1), w = g.path("w").asInt(-1), h = g.path("h").asInt(-1);
                assertThat(x).as("%s panel %s x", e.getKey(), p.path("id")).isGreaterThanOrEqualTo(0);
                assertThat(y).isGreaterThanOrEqualTo(0);
                assertThat(w).isPositive();
                assertThat(h).isPositive();
                assertThat(x + w).as("%s panel %s right edge", e.getKey(), p.path("id")).isLessThanOrEqualTo(24);
                for (int[] b : boxes) {
                    boolean overlap = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
                    assertThat(overlap).as("%s panel %s overlaps the panel at x=%d y=%d", e.getKey(), p.path("id"),
                            b[0], b[1]).isFalse();
                }
                boxes.add(new int[] {x, y, w, h});
            }
        }
    }

    @Test
    void everyVariableUsedIsDefined() {
        for (Map.Entry<String, JsonNode> e : DASHBOARDS.entrySet()) {
            Set<String> defined = new TreeSet<>();
            e.getValue().path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
            Set<String> used = new TreeSet<>();
            collectVariables(e.getValue(), used);
            used.removeAll(BUILT_IN);
            assertThat(defined).as(e.getKey() + " defines every variable it uses").containsAll(used);
        }
    }

    private static void collectVariables(JsonNode node, Set<String> used) {
        if (node.isTextual()) {
            Matcher m = VARIABLE.matcher(node.asText());
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                if (!name.startsWith("tag_")) { // alias patterns ($tag_reason) name a series tag, not a variable
                    used.add(name);
                }
            }
        }
        node.forEach(child -> collectVariables(child, used));
    }

    @Test
    void everyDatasourceReferenceResolvesToTheProvisionedDatasource() throws Exception {
        JsonNode provisioned = new ObjectMapper(new YAMLFactory()).readTree(
                GeneratedDashboards.MODULE.resolve("provisioning/datasources/influxdb.yaml").toFile());
        JsonNode ds = provisioned.path("datasources").get(0);
        assertThat(provisioned.path("datasources")).hasSize(1);
        assertThat(ds.path("type").asText()).isEqualTo("influxdb");
        int[] refs = {0};
        for (Map.Entry<String, JsonNode> e : DASHBOARDS.entrySet()) {
            List<JsonNode> found = new ArrayList<>();
            e.getValue().findParents("datasource").forEach(parent -> found.add(parent.get("datasource")));
            for (JsonNode ref : found) {
                assertThat(ref.path("uid").asText()).as(e.getKey()).isEqualTo(ds.path("uid").asText());
                assertThat(ref.path("type").asText()).as(e.getKey()).isEqualTo(ds.path("type").asText());
                refs[0]++;
            }
        }
        assertThat(refs[0]).isPositive();
    }

    @Test
    void theProviderLoadsTheDashboardsDirectory() throws Exception {
        JsonNode provider = new ObjectMapper(new YAMLFactory()).readTree(
                GeneratedDashboards.MODULE.resolve("provisioning/dashboards/city-twin.yaml").toFile());
        assertThat(provider.path("providers")).hasSize(1);
        assertThat(provider.path("providers").get(0).path("type").asText()).isEqualTo("file");
        assertThat(provider.path("providers").get(0).path("options").path("path").asText())
                .isEqualTo("/var/lib/grafana/dashboards/city-twin");
        assertThat(Files.isDirectory(GeneratedDashboards.DASHBOARDS)).isTrue();
    }
}
