package org.citytwin.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the executable of a real service (influxd, alertmanager). A missing binary is an error
 * that names the install command: tests fail on it, they never skip.
 */
public final class ServiceBinary {

    private ServiceBinary() {}

    /**
     * Resolves the binary from the environment variable {@code envVar} if set, else from PATH.
     *
     * @throws IllegalStateException naming the Debian package to install when it is missing
     */
    public static Path require(String name, String envVar, String debianPackage) {
        String fromEnv = System.getenv(envVar);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path path = Path.of(fromEnv);
            if (Files.isExecutable(path)) {
                return path;
            }
            throw new IllegalStateException(envVar + "=" + fromEnv + " is not an executable file");
        }
        return find(name).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' was not found on PATH. Install it with: sudo apt-get install -y " + debianPackage
                        + " (or run ./twin test, which installs it), or point " + envVar + " at the binary."));
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
