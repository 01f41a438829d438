package org.citytwin.jobs.sink.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.citytwin.jobs.config.Secrets;
import org.citytwin.model.Durations;

/**
 * The receivers file ({@code alerts.receivers.file}, format in docs/alerts.md): a list of
 * receivers with name, type ({@code webhook} or {@code alertmanager}), url, runs, and optional
 * {@code secret-env}/{@code secret-file}, timeout, max-in-flight, max-backoff, resend-interval.
 */
public final class Receivers {

    private static final Set<String> KEYS = Set.of("name", "type", "url", "runs", "secret-env", "secret-file",
            "timeout", "max-in-flight", "max-backoff", "resend-interval");

    private Receivers() {}

    /** Every receiver of the file; secrets resolved from the environment or their files. */
    public static List<Receiver> load(Path file, Map<String, String> environment) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the receivers file " + file + ": " + e.getMessage(), e);
        }
        List<Receiver> receivers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode list = root == null ? null : root.get("receivers");
        if (list == null || !list.isArray()) {
            throw new IllegalArgumentException(file + ": expected a list under 'receivers'");
        }
        for (JsonNode r : list) {
            String name = text(r, "name", null);
            if (name == null || !names.add(name) || !name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException(file + ": every receiver needs a unique name of letters, digits, - and _ ("
                        + name + ")");
            }
            r.fieldNames().forEachRemaining(key -> {
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException(file + ": receiver " + name + ": unknown key '" + key + "'");
                }
            });
            Receiver.Kind kind;
            try {
                kind = Receiver.Kind.valueOf(text(r, "type", "webhook").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": receiver " + name + ": type must be webhook or alertmanager");
            }
            String url = text(r, "url", null);
            if (url == null || !url.matches("https?://.+")) {
                throw new IllegalArgumentException(file + ": receiver " + name + ": url must be an http(s) URL");
            }
            List<String> runs = new ArrayList<>();
            if (r.has("runs")) {
                r.get("runs").forEach(run -> runs.add(run.asText()));
            } else {
                runs.add(Receiver.LIVE);
            }
            String secret = Secrets.resolve(text(r, "secret-file", null), text(r, "secret-env", null), environment);
            if (secret == null && (r.has("secret-env") || r.has("secret-file"))) {
                throw new IllegalArgumentException(file + ": receiver " + name + ": its secret variable is not set");
            }
            receivers.add(new Receiver(name, kind, url, runs, secret,
                    duration(r, "timeout", "10s", file, name), r.path("max-in-flight").asInt(4),
                    duration(r, "max-backoff", "5m", file, name), duration(r, "resend-interval", "1m", file, name)));
        }
        return receivers;
    }

    /** The receivers a run notifies: a drill without drill receivers notifies nobody. */
    public static List<Receiver> forRun(List<Receiver> receivers, String run) {
        return receivers.stream().filter(r -> r.serves(run)).toList();
    }

    private static String text(JsonNode r, String key, String fallback) {
        JsonNode v = r.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static Duration duration(JsonNode r, String key, String fallback, Path file, String name) {
        long ms = Durations.parseMs(text(r, key, fallback));
        if (ms < 0) {
            throw new IllegalArgumentException(file + ": receiver " + name + ": " + key + " must be a duration like 10s or 5m");
        }
        return Duration.ofMillis(ms);
    }
}
