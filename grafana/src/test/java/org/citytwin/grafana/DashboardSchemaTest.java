package org.citytwin.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every committed dashboard has the type of Grafana's published dashboard model: the TypeScript
 * compiler checks each one, as an object literal, against {@code Dashboard} of {@code @grafana/schema}
 * 11.3.0 (npm; the TypeScript form of Grafana's CUE dashboard kind, which npm does not carry as a
 * JSON schema), and each panel's options against its panel plugin's published options type, so a
 * missing required field, a wrong type, an unknown enum value or a misspelled key fails. A copy with
 * one misspelled key in the dashboard and one in a panel's options is checked beside them and must
 * be the only one rejected, twice.
 */
class DashboardSchemaTest {

    private static final Path CHECK = Path.of("schema-check").toAbsolutePath();
    private static final Path TSC = CHECK.resolve("node_modules/.bin/tsc");
    private static final Path WORK = Path.of("target", "schema-check").toAbsolutePath();
    private static final String BROKEN = "broken_engine_health.ts";
    private static final String BROKEN_OPTIONS = "broken_engine_health_options.ts";
    /** The panel kinds the generator uses, each with the options type of {@code schema-check/panels.ts}. */
    private static final java.util.Set<String> PANEL_KINDS = java.util.Set.of("stat", "timeseries", "geomap", "table");

    @Test
    void everyDashboardHasTheTypeOfGrafanasPublishedDashboardModel() throws Exception {
        assertThat(Files.isExecutable(TSC))
                .as("Grafana's schema and the TypeScript compiler are not installed in %s: run "
                        + "`npm ci --prefix grafana/schema-check` (./twin test does; needs nodejs and npm)", CHECK)
                .isTrue();
        Path sources = WORK.resolve("src");
        Files.createDirectories(sources);
        try (Stream<Path> old = Files.list(sources)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        List<String> files = new ArrayList<>();
        for (var e : GeneratedDashboards.committed().entrySet()) {
            String name = e.getKey().replace(".json", "").replace('-', '_');
            files.add(write(sources, name + ".ts", e.getValue().toString()));
            writeOptions(sources, name + "_options.ts", e.getValue());
        }
        ObjectNode broken = (ObjectNode) GeneratedDashboards.committed().get("engine-health.json").deepCopy();
        ObjectNode panel = (ObjectNode) broken.get("panels").get(0);
        panel.set("gridpos", panel.remove("gridPos"));
        write(sources, BROKEN, broken.toString());
        ((ObjectNode) panel.get("options").get("legend")).set("displaymode",
                ((ObjectNode) panel.get("options").get("legend")).remove("displayMode"));
        writeOptions(sources, BROKEN_OPTIONS, broken);
        Files.writeString(WORK.resolve("tsconfig.json"), new ObjectMapper().writeValueAsString(new ObjectMapper()
                .readTree("""
                        {"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "module": "es2020",
                          "moduleResolution": "node", "baseUrl": ".", "types": [],
                          "paths": {"@grafana/schema": ["%s"]}},
                         "include": ["src/*.ts"]}""".formatted(CHECK.resolve("node_modules/@grafana/schema")))));

        Process tsc = new ProcessBuilder(TSC.toString(), "-p", "tsconfig.json", "--pretty", "false").directory(WORK.toFile())
                .redirectErrorStream(true).start();
        String output = new String(tsc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tsc.waitFor(5, TimeUnit.MINUTES)).isTrue();
        List<String> errors = output.lines().filter(l -> l.contains("error TS")).sorted().toList();

        assertThat(files).hasSize(34);
        assertThat(errors).as("tsc on the committed dashboards and one broken copy:\n" + output).hasSize(2);
        assertThat(errors.get(0)).startsWith("src/" + BROKEN + "(").contains("gridpos").contains("does not exist");
        assertThat(errors.get(1)).startsWith("src/" + BROKEN_OPTIONS).contains("displaymode").contains("does not exist");
    }

    /** Each panel's options (and a time series' custom field config) typed by its panel kind. */
    private static void writeOptions(Path dir, String name, com.fasterxml.jackson.databind.JsonNode dashboard)
            throws IOException {
        StringBuilder ts = new StringBuilder("import type { StatOptions, TimeseriesOptions, TimeseriesCustom, "
                + "GeomapOptions, TableOptions } from '" + CHECK.resolve("panels") + "';\n");
        for (com.fasterxml.jackson.databind.JsonNode p : dashboard.path("panels")) {
            String kind = p.path("type").asText();
            assertThat(PANEL_KINDS).as("panel kind with an options type in schema-check/panels.ts").contains(kind);
            String type = Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
            ts.append("export const options").append(p.path("id").asInt()).append(": ").append(type)
                    .append("Options = ").append(p.has("options") ? p.get("options").toString() : "{}").append(";\n");
            if (kind.equals("timeseries")) {
                ts.append("export const custom").append(p.path("id").asInt()).append(": TimeseriesCustom = ")
                        .append(p.path("fieldConfig").path("defaults").path("custom")).append(";\n");
            }
        }
        Files.writeString(dir.resolve(name), ts.toString(), StandardCharsets.UTF_8);
    }

    private static String write(Path dir, String name, String json) throws IOException {
        Files.writeString(dir.resolve(name), "import type { GeneratedDashboard } from '" + CHECK.resolve("dashboard")
                + "';\nexport const dashboard: GeneratedDashboard = " + json + ";\n", StandardCharsets.UTF_8);
        return name;
    }
}
