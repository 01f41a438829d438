package org.citytwin.jobs.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Resolves a secret from a file (if configured) or an environment variable. Configuration holds
 * only where a secret is, never the secret itself, so nothing that prints a configuration leaks it.
 */
public final class Secrets {

    private Secrets() {}

    /** The secret, or null when neither the file nor the variable is set. */
    public static String resolve(Configuration config, ConfigOption<String> envOption, ConfigOption<String> fileOption,
            Map<String, String> environment) {
        if (config.contains(fileOption)) {
            try {
                return Files.readString(Path.of(config.get(fileOption))).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the secret file named by " + fileOption.key(), e);
            }
        }
        String value = environment.get(config.get(envOption));
        return value == null || value.isEmpty() ? null : value;
    }

    /** The secret from {@code file} if given, else from the variable {@code envVar}; null when neither is set. */
    public static String resolve(String file, String envVar, Map<String, String> environment) {
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the secret file " + file, e);
            }
        }
        String value = envVar == null ? null : environment.get(envVar);
        return value == null || value.isEmpty() ? null : value;
    }
}
