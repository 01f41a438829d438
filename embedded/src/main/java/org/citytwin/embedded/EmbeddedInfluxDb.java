package org.citytwin.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real InfluxDB 1.x server ({@code influxd} from Debian's {@code influxdb} package) started on
 * free loopback ports with temporary meta/data/wal directories, for tests and {@code twin demo}.
 */
public final class EmbeddedInfluxDb implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Process process;
    private final Path baseDir;
    private final Path influxd;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EmbeddedInfluxDb(Path influxd, Path baseDir, int httpPort) {
        this.influxd = influxd;
        this.baseDir = baseDir;
        this.httpPort = httpPort;
    }

    /** Starts influxd and returns once it answers {@code /ping}. */
    public static EmbeddedInfluxDb start() throws IOException, InterruptedException {
        Path influxd = ServiceBinary.require("influxd", "TWIN_INFLUXD", "influxdb");
        Path baseDir = Files.createTempDirectory("twin-influxdb-");
        int httpPort = FreePorts.next();
        int bindPort = FreePorts.next();
        Files.writeString(baseDir.resolve("influxdb.conf"), config(baseDir, httpPort, bindPort));
        EmbeddedInfluxDb db = new EmbeddedInfluxDb(influxd, baseDir, httpPort);
        try {
            db.launch();
        } catch (IOException | InterruptedException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private void launch() throws IOException, InterruptedException {
        process = ServiceProcess.start("influxd", baseDir.resolve("influxd.log"), URI.create(url() + "/ping"), 204,
                influxd.toString(), "run", "-config", baseDir.resolve("influxdb.conf").toString());
    }

    /** Stops influxd, keeping its data, as an outage would (writes fail with connection refused). */
    public void stop() {
        ServiceProcess.stop(process);
    }

    /** Starts influxd again on the same port with the same data, after {@link #stop()}. */
    public void restart() throws IOException, InterruptedException {
        launch();
    }

    private static String config(Path baseDir, int httpPort, int bindPort) {
        return String.join("\n",
                "reporting-disabled = true",
                "bind-address = \"127.0.0.1:" + bindPort + "\"",
                "[meta]",
                "  dir = \"" + baseDir.resolve("meta") + "\"",
                "[data]",
                "  dir = \"" + baseDir.resolve("data") + "\"",
                "  wal-dir = \"" + baseDir.resolve("wal") + "\"",
                "  query-log-enabled = false",
                "[monitor]",
                "  store-enabled = false",
                "[http]",
                "  enabled = true",
                "  bind-address = \"127.0.0.1:" + httpPort + "\"",
                "  log-enabled = false",
                "  max-body-size = 0",
                "[logging]",
                "  level = \"warn\"",
                "[continuous_queries]",
                "  enabled = false",
                "");
    }

    /** The HTTP base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public void createDatabase(String name) throws IOException, InterruptedException {
        String statement = "CREATE DATABASE \"" + name + "\"";
        post("/query", "q=" + enc(statement), statement);
    }

    /** Writes v1 line protocol with millisecond timestamps. */
    public void write(String database, String lines) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url() + "/write?precision=ms&db=" + enc(database)))
                        .POST(HttpRequest.BodyPublishers.ofString(lines)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IOException("write failed: HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /**
     * Runs an InfluxQL query with epoch-millisecond times and returns every row of every series,
     * one map per row: column name → value, with the series' group-by tags added. Times are
     * longs, other numbers doubles, tags strings.
     *
     * @throws IOException on a transport failure or an error reported by InfluxDB
     */
    public List<Map<String, Object>> query(String database, String influxql) throws IOException, InterruptedException {
        JsonNode root = JSON.readTree(post("/query",
                "epoch=ms&db=" + enc(database) + "&q=" + enc(influxql), influxql));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode result : root.path("results")) {
            if (result.has("error")) {
                throw new IOException("InfluxQL error for [" + influxql + "]: " + result.get("error").asText());
            }
            for (JsonNode series : result.path("series")) {
                List<String> columns = new ArrayList<>();
                series.path("columns").forEach(c -> columns.add(c.asText()));
                for (JsonNode values : series.path("values")) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    series.path("tags").fields().forEachRemaining(t -> row.put(t.getKey(), t.getValue().asText()));
                    for (int i = 0; i < columns.size(); i++) {
                        row.put(columns.get(i), cell(columns.get(i), values.get(i)));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Times as epoch-ms longs; every other number as a double (JSON drops the ".0" of whole floats). */
    private static Object cell(String column, JsonNode value) throws IOException {
        if (value.isNumber()) {
            return column.equals("time") ? (Object) value.asLong() : (Object) value.asDouble();
        }
        return JSON.treeToValue(value, Object.class);
    }

    private String post(String path, String form, String statement) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url() + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("InfluxQL [" + statement + "] failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        ServiceProcess.stop(process);
        TempDirs.deleteRecursively(baseDir);
    }
}
