package org.citytwin.jobs.sink.influx;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Makes sure the InfluxDB 1.x database exists before the job writes to it: creates it when the
 * credentials may ({@code CREATE DATABASE} is idempotent), else checks that it is there. Without
 * this, every write would fail with 404 and the job would stop on its first batch.
 */
public final class InfluxDbDatabase {

    private InfluxDbDatabase() {}

    /**
     * @return what was done, for the start-up line
     * @throws IllegalStateException with one clear line when the database is missing and cannot be created
     * @throws IOException when InfluxDB cannot be reached (the sink retries that later)
     */
    public static String ensureExists(InfluxDbEndpoint endpoint) throws IOException, InterruptedException {
        if (endpoint.api() != InfluxDbEndpoint.Api.V1) {
            return "InfluxDB v2: the bucket must exist";
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String db = endpoint.database();
        HttpResponse<String> created = http.send(post(endpoint, "CREATE DATABASE \"" + db.replace("\"", "\\\"") + "\""),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() / 100 == 2 && !created.body().contains("\"error\"")) {
            return "InfluxDB database '" + db + "' is ready";
        }
        HttpResponse<String> shown = http.send(post(endpoint, "SHOW DATABASES"), HttpResponse.BodyHandlers.ofString());
        if (shown.statusCode() / 100 == 2 && shown.body().contains("[\"" + db + "\"]")) {
            return "InfluxDB database '" + db + "' exists";
        }
        throw new IllegalStateException("InfluxDB database '" + db + "' does not exist at " + endpoint
                + " and could not be created (HTTP " + created.statusCode() + " " + created.body().strip()
                + "): create it with CREATE DATABASE \"" + db + "\" or give influxdb.user admin rights");
    }

    private static HttpRequest post(InfluxDbEndpoint endpoint, String influxQl) {
        return endpoint.request(endpoint.queryUri(influxQl))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }
}
