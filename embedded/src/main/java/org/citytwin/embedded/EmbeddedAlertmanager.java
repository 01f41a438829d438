package org.citytwin.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) started on a free
 * loopback port with a temporary config and storage directory and clustering off, for tests and
 * {@code twin demo}. Its one route groups by every label and, if a webhook URL is given, forwards
 * to it within about a second (resolved alerts too).
 */
public final class EmbeddedAlertmanager implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path baseDir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private EmbeddedAlertmanager(Process process, Path baseDir, int port) {
        this.process = process;
        this.baseDir = baseDir;
        this.port = port;
    }

    /**
     * Starts Alertmanager and returns once {@code /-/ready} answers.
     *
     * @param webhookUrl where the route sends notifications, or null for a receiver that sends nothing
     */
    public static EmbeddedAlertmanager start(String webhookUrl) throws IOException, InterruptedException {
        Path binary = ServiceBinary.require("prometheus-alertmanager", "TWIN_ALERTMANAGER", "prometheus-alertmanager");
        Path baseDir = Files.createTempDirectory("twin-alertmanager-");
        int port = FreePorts.next();
        Path config = baseDir.resolve("alertmanager.yml");
        Files.writeString(config, config(webhookUrl));
        Process process;
        try {
            process = ServiceProcess.start("alertmanager", baseDir.resolve("alertmanager.log"),
                    URI.create("http://127.0.0.1:" + port + "/-/ready"), 200, binary.toString(),
                    "--config.file=" + config,
                    "--storage.path=" + baseDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=",
                    "--log.level=warn");
        } catch (IOException | InterruptedException | RuntimeException e) {
            TempDirs.deleteRecursively(baseDir);
            throw e;
        }
        return new EmbeddedAlertmanager(process, baseDir, port);
    }

    private static String config(String webhookUrl) {
        String receiver = webhookUrl == null ? "  - name: default\n"
                : "  - name: default\n    webhook_configs:\n      - url: '" + webhookUrl + "'\n        send_resolved: true\n";
        return String.join("\n",
                "route:",
                "  receiver: default",
                "  group_by: ['...']",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "  repeat_interval: 1h",
                "receivers:",
                receiver);
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code GET /api/v2/alerts?active=true&silenced=false&inhibited=false}: the active alerts as JSON. */
    public JsonNode activeAlerts() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts?active=true&silenced=false&inhibited=false"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /api/v2/alerts: HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        ServiceProcess.stop(process);
        TempDirs.deleteRecursively(baseDir);
    }
}
