package org.citytwin.jobs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Reads the engine configuration: one YAML file (nested or dotted keys) plus {@code key=value}
 * overrides from flags. Unknown keys and values of the wrong type are all reported at once, with
 * file and line.
 */
public final class TwinConfig {

    private static final Set<String> KNOWN = TwinOptions.all().stream().map(ConfigOption::key)
            .collect(Collectors.toUnmodifiableSet());

    private TwinConfig() {}

    /**
     * @param file YAML file, or null for defaults only
     * @param overrides {@code key=value} pairs from the command line, applied after the file
     * @throws ConfigException listing every problem found
     */
    public static Configuration load(Path file, List<String> overrides) throws ConfigException {
        Map<String, Located> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        if (file != null) {
            readYaml(file, values, errors);
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                errors.add("--set " + override + ": expected key=value");
            } else {
                values.put(override.substring(0, eq).trim(), new Located(override.substring(eq + 1).trim(), "--set"));
            }
        }
        Configuration config = new Configuration();
        values.forEach((key, value) -> {
            if (!KNOWN.contains(key)) {
                errors.add(value.where + ": unknown option '" + key + "' (see docs/configuration.md)");
            } else {
                config.setString(key, value.value);
            }
        });
        for (ConfigOption<?> option : TwinOptions.all()) {
            if (values.containsKey(option.key())) {
                try {
                    config.get(option);
                } catch (IllegalArgumentException e) {
                    errors.add(values.get(option.key()).where + ": option '" + option.key() + "': " + e.getMessage());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /**
     * What {@code twin run} needs beyond the defaults, every missing or contradictory option at
     * once (a user fixes them in one go, not one per attempt).
     *
     * @throws ConfigException listing every problem
     */
    public static void requireForRun(Configuration config) throws ConfigException {
        requireForRun(config, true);
    }

    /**
     * The same, for a run whose feed may not come from Kafka ({@code twin replay --source archive}):
     * then Kafka is needed only for a registry topic.
     *
     * @throws ConfigException listing every problem
     */
    public static void requireForRun(Configuration config, boolean feedFromKafka) throws ConfigException {
        List<String> errors = new ArrayList<>();
        boolean kafka = feedFromKafka || config.getOptional(TwinOptions.REGISTRY_TOPIC).isPresent();
        for (ConfigOption<String> required : kafka ? List.of(TwinOptions.FEED_BOOTSTRAP_SERVERS, TwinOptions.INFLUXDB_URL)
                : List.of(TwinOptions.INFLUXDB_URL)) {
            if (config.getOptional(required).filter(v -> !v.isBlank()).isEmpty()) {
                errors.add(missing(required.key()));
            }
        }
        if (config.getOptional(TwinOptions.REGISTRY_FILE).isEmpty()
                && config.getOptional(TwinOptions.REGISTRY_TOPIC).isEmpty()) {
            errors.add(missing(TwinOptions.REGISTRY_FILE.key() + "' or '" + TwinOptions.REGISTRY_TOPIC.key()));
        }
        config.getOptional(TwinOptions.REGISTRY_FILE).filter(file -> !Files.isRegularFile(Path.of(file)))
                .ifPresent(file -> errors.add("option '" + TwinOptions.REGISTRY_FILE.key() + "': no such file " + file));
        String api = config.get(TwinOptions.INFLUXDB_API);
        if (!api.equals("v1") && !api.equals("v2")) {
            errors.add("option '" + TwinOptions.INFLUXDB_API.key() + "' must be v1 or v2, not " + api);
        } else if (api.equals("v2") && config.getOptional(TwinOptions.INFLUXDB_ORG).isEmpty()) {
            errors.add(missing(TwinOptions.INFLUXDB_ORG.key()) + " with influxdb.api=v2");
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
    }

    private static String missing(String key) {
        return "option '" + key + "' is required (in --config FILE, or --set key=value)";
    }

    private static void readYaml(Path file, Map<String, Located> values, List<String> errors) throws ConfigException {
        try (JsonParser parser = new YAMLFactory().createParser(Files.newBufferedReader(file))) {
            Deque<String> path = new ArrayDeque<>();
            String field = null;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case FIELD_NAME -> field = parser.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.addLast(field);
                            field = null;
                        }
                    }
                    case END_OBJECT -> {
                        if (!path.isEmpty()) {
                            path.removeLast();
                        }
                    }
                    case START_ARRAY -> {
                        errors.add(where(file, parser.currentTokenLocation()) + ": lists are not supported ('"
                                + join(path, field) + "')");
                        parser.skipChildren();
                        field = null;
                    }
                    default -> {
                        if (token.isScalarValue() && field != null) {
                            String text = token == JsonToken.VALUE_NULL ? "" : parser.getValueAsString();
                            values.put(join(path, field), new Located(text, where(file, parser.currentTokenLocation())));
                            field = null;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": " + e.getMessage()));
        }
    }

    private static String join(Deque<String> path, String field) {
        return path.isEmpty() ? field : String.join(".", path) + "." + field;
    }

    private static String where(Path file, JsonLocation location) {
        return file + ":" + location.getLineNr();
    }

    private record Located(String value, String where) {}
}
