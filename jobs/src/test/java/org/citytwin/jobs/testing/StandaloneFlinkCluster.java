package org.citytwin.jobs.testing;

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
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.citytwin.embedded.FreePorts;
import org.citytwin.embedded.TempDirs;

/**
 * A Flink session cluster of separate JVMs on this machine, as a user runs one: a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), and
 * jobs submitted by {@code flink run} ({@code CliFrontend}). flink-dist is not published, so the
 * "distribution" is Flink's own jars from this test's classpath, without the Kafka connector and
 * the project's classes: those come with the job jar, as on a real cluster. TaskManager processes
 * can be killed.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Starts tried, each with fresh ports, before giving up. */
    static final int START_ATTEMPTS = 3;
    private static final String LOG_CONFIGURATION = "log4j2.properties";
    /** Lines of a process's log quoted in an error. */
    private static final int LOG_TAIL = 60;
    /** A REST poll while starting; the JobManager's exit is checked between polls. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(2);
    /** The JVM running the tests, so the cluster runs on the same Java. */
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private final String distribution;
    private final Path jar;
    private final Path jvmOptions;
    private final Path dir;
    private final int restPort;
    private Process jobManager;
    /** Why earlier attempts to start this cluster failed, oldest first. */
    private List<String> failedStarts = List.of();
    private final List<Process> taskManagers = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StandaloneFlinkCluster(Path jar, Path jvmOptions, Path dir, int restPort) {
        this.distribution = distribution();
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.dir = dir;
        this.restPort = restPort;
    }

    /**
     * Starts the JobManager and {@code taskManagers} TaskManagers with {@code slots} slots each and
     * returns once they are registered.
     */
    public static StandaloneFlinkCluster start(Path jar, Path jvmOptions, int taskManagers, int slots)
            throws Exception {
        return start(jar, jvmOptions, taskManagers, slots, FreePorts::next);
    }

    /**
     * As {@link #start(Path, Path, int, int)}, with each attempt's REST and then JobManager RPC port
     * taken from {@code ports}. The ports are free when picked but bound later by other JVMs, so
     * another test JVM may take one first: a start whose JobManager or TaskManager exits (or whose
     * REST port answers for another cluster) is retried with fresh ports, {@value #START_ATTEMPTS}
     * attempts in all, and the error of the last one lists every attempt's reason.
     */
    static StandaloneFlinkCluster start(Path jar, Path jvmOptions, int taskManagers, int slots, IntSupplier ports)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with mvn package (the ITCases run after it)");
        }
        List<String> failedStarts = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int restPort = ports.getAsInt();
            int rpcPort = ports.getAsInt();
            Path dir = Files.createTempDirectory("twin-flink-cluster-");
            writeConfiguration(dir, restPort, rpcPort, slots);
            StandaloneFlinkCluster cluster = new StandaloneFlinkCluster(jar, jvmOptions, dir, restPort);
            try {
                cluster.jobManager = cluster.launch("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        "jobmanager");
                for (int i = 0; i < taskManagers; i++) {
                    cluster.startTaskManager();
                }
                cluster.awaitTrue(() -> {
                    cluster.checkTaskManagersAlive();
                    // Briefly: a process that took the REST port may accept the connection and never answer.
                    return cluster.send(HttpRequest.newBuilder(cluster.uri("/taskmanagers")).GET(), POLL_TIMEOUT)
                            .path("taskmanagers").size() >= taskManagers;
                }, taskManagers + " TaskManagers registered");
                cluster.checkTheRestPortIsThisClusters();
                cluster.failedStarts = List.copyOf(failedStarts);
                return cluster;
            } catch (ProcessExited e) {
                failedStarts.add("attempt " + attempt + " (REST port " + restPort + ", RPC port " + rpcPort + "): "
                        + e.getMessage());
                cluster.close();
            } catch (Exception | AssertionError e) {
                cluster.close();
                throw e;
            }
        }
        throw new IllegalStateException("the Flink cluster did not start in " + START_ATTEMPTS
                + " attempts, each with fresh ports:\n" + String.join("\n", failedStarts));
    }

    private static void writeConfiguration(Path dir, int restPort, int rpcPort, int slots) throws IOException {
        Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                "jobmanager.rpc.address: 127.0.0.1",
                "jobmanager.rpc.port: " + rpcPort,
                "jobmanager.bind-host: 127.0.0.1",
                "jobmanager.memory.process.size: 1024m",
                "taskmanager.host: 127.0.0.1",
                "taskmanager.bind-host: 127.0.0.1",
                "taskmanager.numberOfTaskSlots: " + slots,
                // Without Flink's start scripts every memory component must be given.
                "taskmanager.cpu.cores: " + slots,
                "taskmanager.memory.framework.heap.size: 128m",
                "taskmanager.memory.task.heap.size: 512m",
                "taskmanager.memory.framework.off-heap.size: 128m",
                "taskmanager.memory.task.off-heap.size: 0m",
                "taskmanager.memory.network.min: 64m",
                "taskmanager.memory.network.max: 64m",
                "taskmanager.memory.managed.size: 256m",
                "taskmanager.memory.jvm-metaspace.size: 256m",
                "taskmanager.memory.jvm-overhead.min: 192m",
                "taskmanager.memory.jvm-overhead.max: 192m",
                "rest.address: 127.0.0.1",
                "rest.bind-address: 127.0.0.1",
                "rest.port: " + restPort,
                "heartbeat.interval: 1000",
                "heartbeat.timeout: 10000",
                "io.tmp.dirs: " + dir.resolve("tmp"),
                ""));
        // Each process logs to its stdout, which goes to its log file. Without this file Log4j would
        // take the first log4j2-test.properties on the classpath: flink-runtime's test jar's, which
        // turns logging off (a JobManager that could not bind its port then exited with an empty log).
        Files.writeString(dir.resolve(LOG_CONFIGURATION), String.join("\n",
                "rootLogger.level = WARN",
                "rootLogger.appenderRef.console.ref = console",
                "appender.console.type = Console",
                "appender.console.name = console",
                "appender.console.layout.type = PatternLayout",
                "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                ""));
    }

    /** Flink's jars from this JVM's classpath: neither Kafka (the connector comes with the job jar) nor the project. */
    private static String distribution() {
        Path project = Path.of("..").toAbsolutePath().normalize();
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            if (!path.startsWith(project) && !path.getFileName().toString().contains("kafka")) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private Process launch(String mainClass, String name) throws IOException {
        return new ProcessBuilder(JAVA, "-Xmx768m", "@" + jvmOptions,
                "-Dlog4j.configurationFile=" + dir.resolve(LOG_CONFIGURATION), "-cp", distribution, mainClass,
                "--configDir", dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile())
                .start();
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** Fails when a TaskManager exited; only while starting, as tests kill them later. */
    private void checkTaskManagersAlive() throws IOException {
        List<String> exited = new ArrayList<>();
        for (int i = 0; i < taskManagers.size(); i++) {
            if (!taskManagers.get(i).isAlive()) {
                exited.add(exitReason("TaskManager " + i, taskManagers.get(i), "taskmanager-" + i));
            }
        }
        if (!exited.isEmpty()) {
            throw new ProcessExited(String.join("\n", exited));
        }
    }

    /** Another process's REST server on our port would answer the checks above: ask for our temp directory. */
    private void checkTheRestPortIsThisClusters() throws Exception {
        String tmp = dir.resolve("tmp").toString();
        for (JsonNode entry : get("/jobmanager/config")) {
            if (entry.path("key").asText().equals("io.tmp.dirs") && entry.path("value").asText().equals(tmp)) {
                return;
            }
        }
        throw new ProcessExited("the REST port " + restPort + " answers for another cluster (its io.tmp.dirs is not "
                + tmp + ")");
    }

    private String exitReason(String what, Process process, String logName) throws IOException {
        List<String> lines = Files.readAllLines(log(logName));
        return what + " exited with code " + process.exitValue() + ", the last " + Math.min(LOG_TAIL, lines.size())
                + " of " + lines.size() + " lines of its log " + log(logName) + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size()));
    }

    /** Why earlier attempts to start this cluster failed (each with fresh ports), oldest first. */
    public List<String> failedStarts() {
        return failedStarts;
    }

    /** Starts one more TaskManager JVM. */
    public void startTaskManager() throws IOException {
        taskManagers.add(launch("org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "taskmanager-" + taskManagers.size()));
    }

    /** Kills TaskManager {@code i}'s process (SIGKILL), as a lost machine would. */
    public void killTaskManager(int i) throws InterruptedException {
        taskManagers.get(i).destroyForcibly().waitFor();
    }

    /** Waits until {@code n} TaskManagers are registered. */
    public void awaitTaskManagers(int n) throws Exception {
        awaitTrue(() -> get("/taskmanagers").path("taskmanagers").size() >= n, n + " TaskManagers registered");
    }

    /** {@code flink run -d JAR ARGS...} with the cluster's job jar, as a user submits the job; returns its job id. */
    public String submit(List<String> programArgs) throws Exception {
        return submit(jar, programArgs);
    }

    /** {@code flink run -d JAR ARGS...} with this jar; returns the job id. */
    public String submit(Path jobJar, List<String> programArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "@" + jvmOptions, "-cp", distribution,
                "org.apache.flink.client.cli.CliFrontend", "run", "-d", jobJar.toString()));
        command.addAll(programArgs);
        Path log = dir.resolve("flink-run.log");
        ProcessBuilder flinkRun = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        flinkRun.environment().put("FLINK_CONF_DIR", dir.toString());
        Process client = flinkRun.start();
        if (!client.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) || client.exitValue() != 0) {
            client.destroyForcibly();
            throw new AssertionError("flink run failed:\n" + Files.readString(log));
        }
        java.util.regex.Matcher submitted = java.util.regex.Pattern.compile("JobID ([0-9a-f]{32})")
                .matcher(Files.readString(log));
        if (!submitted.find()) {
            throw new AssertionError("flink run printed no job id:\n" + Files.readString(log));
        }
        return submitted.group(1);
    }

    /** The job's state: RUNNING, RESTARTING, FINISHED, FAILED, ... */
    public String jobState(String jobId) throws Exception {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** How many checkpoints of the job completed. */
    public long completedCheckpoints(String jobId) throws Exception {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The JobManager's log, for a failing test's message. */
    public String jobManagerLog() throws IOException {
        return Files.readString(dir.resolve("jobmanager.log"));
    }

    public JsonNode get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private JsonNode send(HttpRequest.Builder request) throws Exception {
        return send(request, Duration.ofSeconds(60));
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Flink REST " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    /** A condition polled until it holds. */
    public interface Check {
        boolean holds() throws Exception;
    }

    /** Polls {@code check} for up to two minutes (REST errors count as not yet). */
    public void awaitTrue(Check check, String what) throws Exception {
        awaitTrue(check, what, Duration.ofMinutes(2));
    }

    /** Polls {@code check} for up to {@code timeout} (REST errors count as not yet). */
    public void awaitTrue(Check check, String what, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException notYet) {
                // the JobManager is not answering yet
            }
            if (!jobManager.isAlive()) {
                throw new ProcessExited(exitReason("the JobManager", jobManager, "jobmanager"));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + timeout + ": " + what + "\n" + jobManagerLog());
    }

    @Override
    public void close() {
        for (Process p : taskManagers) {
            p.destroyForcibly();
        }
        if (jobManager != null) {
            jobManager.destroyForcibly();
        }
        try {
            if (jobManager != null) {
                jobManager.waitFor();
            }
            for (Process p : taskManagers) {
                p.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteRecursively(dir);
    }

    /** A process of the cluster exited: with its exit code and the end of its log. */
    private static final class ProcessExited extends IllegalStateException {
        ProcessExited(String reason) {
            super(reason);
        }
    }
}
