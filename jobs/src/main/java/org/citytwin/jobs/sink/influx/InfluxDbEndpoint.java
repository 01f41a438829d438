package org.citytwin.jobs.sink.influx;

import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.URLEncoder;
import org.apache.flink.configuration.Configuration;
import org.citytwin.jobs.config.Secrets;
import org.citytwin.jobs.config.TwinOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how points are written: InfluxDB 1.x {@code /write} (database, retention policy,
 * user) or 2.x/3.x {@code /api/v2/write} (org, bucket, token). Secrets are held here only to
 * build the Authorization header and are never part of {@link #toString()}.
 */
public final class InfluxDbEndpoint implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The write API generation. */
    public enum Api { V1, V2 }

    private final String url;
    private final Api api;
    private final String database;
    private final String retentionPolicy;
    private final String user;
    private final String password;
    private final String org;
    private final String bucket;
    private final String token;

    private InfluxDbEndpoint(String url, Api api, String database, String retentionPolicy, String user,
            String password, String org, String bucket, String token) {
        this.url = stripTrailingSlash(Objects.requireNonNull(url, "url"));
        this.api = api;
        this.database = database;
        this.retentionPolicy = retentionPolicy;
        this.user = user;
        this.password = password;
        this.org = org;
        this.bucket = bucket;
        this.token = token;
    }

    /** InfluxDB 1.x: {@code POST /write?db=..&rp=..&precision=ms}, Basic auth when a user is given. */
    public static InfluxDbEndpoint v1(String url, String database, String retentionPolicy, String user, String password) {
        return new InfluxDbEndpoint(url, Api.V1, Objects.requireNonNull(database, "database"), retentionPolicy,
                user, password, null, null, null);
    }

    /** InfluxDB 2.x/3.x: {@code POST /api/v2/write?org=..&bucket=..&precision=ms}, Token auth. */
    public static InfluxDbEndpoint v2(String url, String org, String bucket, String token) {
        return new InfluxDbEndpoint(url, Api.V2, null, null, null, null,
                Objects.requireNonNull(org, "org"), Objects.requireNonNull(bucket, "bucket"), token);
    }

    /**
     * The endpoint the options describe; secrets are read from the files or environment
     * variables the options name.
     */
    public static InfluxDbEndpoint fromConfig(Configuration config, Map<String, String> environment) {
        String url = config.getOptional(TwinOptions.INFLUXDB_URL).orElseThrow(
                () -> new IllegalArgumentException("option " + TwinOptions.INFLUXDB_URL.key() + " is required"));
        return switch (config.get(TwinOptions.INFLUXDB_API)) {
            case "v1" -> v1(url, config.get(TwinOptions.INFLUXDB_DATABASE),
                    config.get(TwinOptions.INFLUXDB_RETENTION_POLICY), config.get(TwinOptions.INFLUXDB_USER),
                    Secrets.resolve(config, TwinOptions.INFLUXDB_PASSWORD_ENV, TwinOptions.INFLUXDB_PASSWORD_FILE,
                            environment));
            case "v2" -> v2(url, config.getOptional(TwinOptions.INFLUXDB_ORG).orElseThrow(
                            () -> new IllegalArgumentException("option influxdb.org is required with influxdb.api=v2")),
                    config.get(TwinOptions.INFLUXDB_BUCKET),
                    Secrets.resolve(config, TwinOptions.INFLUXDB_TOKEN_ENV, TwinOptions.INFLUXDB_TOKEN_FILE,
                            environment));
            default -> throw new IllegalArgumentException(
                    "option influxdb.api must be v1 or v2, not " + config.get(TwinOptions.INFLUXDB_API));
        };
    }

    /** The full write URI with millisecond precision. */
    public URI writeUri() {
        StringBuilder uri = new StringBuilder(url);
        if (api == Api.V1) {
            uri.append("/write?precision=ms&db=").append(enc(database));
            if (retentionPolicy != null && !retentionPolicy.isBlank()) {
                uri.append("&rp=").append(enc(retentionPolicy));
            }
        } else {
            uri.append("/api/v2/write?precision=ms&org=").append(enc(org)).append("&bucket=").append(enc(bucket));
        }
        return URI.create(uri.toString());
    }

    /** {@code GET /query?q=..} of InfluxDB 1.x (InfluxQL), on the write endpoint's database. */
    public URI queryUri(String influxQl) {
        return URI.create(url + "/query?db=" + enc(database == null ? "" : database) + "&q=" + enc(influxQl));
    }

    /** The v1 database (null for v2). */
    public String database() {
        return database;
    }

    /** A request to {@code uri} (one of this endpoint's) carrying its credentials, if any. */
    public HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        authorization().ifPresent(value -> request.header("Authorization", value));
        return request;
    }

    /** The value of the Authorization header, if credentials were given. */
    public Optional<String> authorization() {
        if (api == Api.V2) {
            return token == null || token.isEmpty() ? Optional.empty() : Optional.of("Token " + token);
        }
        if (user == null || user.isEmpty()) {
            return Optional.empty();
        }
        String pair = user + ":" + (password == null ? "" : password);
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    public Api api() {
        return api;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        return api == Api.V1
                ? "InfluxDB v1 " + url + " db=" + database + (retentionPolicy == null ? "" : " rp=" + retentionPolicy)
                        + (user == null ? "" : " user=" + user + " password=***")
                : "InfluxDB v2 " + url + " org=" + org + " bucket=" + bucket + (token == null ? "" : " token=***");
    }
}
