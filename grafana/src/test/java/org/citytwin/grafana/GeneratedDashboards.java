package org.citytwin.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The dashboards committed under {@code grafana/dashboards}, parsed, by file name. */
final class GeneratedDashboards {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path DASHBOARDS = MODULE.resolve(DashboardGenerator.DASHBOARDS_DIR);
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeneratedDashboards() {}

    static Map<String, JsonNode> committed() {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path p : files.sorted().toList()) {
                out.put(p.getFileName().toString(), JSON.readTree(p.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
