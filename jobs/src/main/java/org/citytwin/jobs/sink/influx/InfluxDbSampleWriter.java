package org.citytwin.jobs.sink.influx;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.citytwin.jobs.engine.metrics.EngineSample;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;

/** Writes engine samples to InfluxDB in one small line-protocol request per sampling round. */
public final class InfluxDbSampleWriter implements EngineSampleWriter {

    private static final long serialVersionUID = 1L;

    private final InfluxDbEndpoint endpoint;
    private transient HttpClient http;

    public InfluxDbSampleWriter(InfluxDbEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void write(List<EngineSample> samples) throws IOException, InterruptedException {
        if (samples.isEmpty()) {
            return;
        }
        if (http == null) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        }
        String body = samples.stream().map(sample -> sample.toInfluxPoint().toLineProtocol())
                .collect(Collectors.joining("\n"));
        HttpRequest request = endpoint.request(endpoint.writeUri())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
