package org.citytwin.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A service binary run as a child process: started with its output in a log, awaited on an HTTP health path, stopped. */
final class ServiceProcess {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServiceProcess() {}

    /**
     * Starts {@code command} with its output appended to {@code log} and returns once {@code health}
     * answers {@code status}; the log is in the exception when it exits or does not answer in time.
     */
    static Process start(String name, Path log, URI health, int status, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        try {
            awaitHealthy(process, name, log, health, status);
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(process);
            throw e;
        }
        return process;
    }

    private static void awaitHealthy(Process process, String name, Path log, URI health, int status)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not answer " + health.getPath() + " within " + STARTUP_TIMEOUT
                + ":\n" + Files.readString(log));
    }

    /** Stops the process: politely, then by force after 10 s. */
    static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
