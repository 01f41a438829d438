package org.citytwin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as users start them, from the built jars in their own JVM: {@code ./twin} puts the tools
 * jar next to the job jar, and the job jar alone (as a Flink cluster runs it) has no {@code demo}.
 */
class TwinLauncherITCase {

    private static final Path LAUNCHER = Path.of("..", "twin").toAbsolutePath().normalize();
    private static final Pattern SUMMARY = Pattern.compile("feed: ([\\d,]+) records produced, ([\\d,]+) read");

    /** What a finished process printed. */
    private record Run(int exitCode, String out, String err) {}

    private static Run run(Path work, Duration timeout, String... command) throws Exception {
        Path out = work.resolve("out.txt");
        Path err = work.resolve("err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theLauncherListsTheToolsWithTheJobCommands(@TempDir Path work) throws Exception {
        Run help = run(work, Duration.ofMinutes(2), LAUNCHER.toString(), "--help");

        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(commands(help.out())).containsExactly("run", "replay", "simulate", "catalog", "grafana", "demo", "bench",
                "soak", "help");
    }

    @Test
    void theJobJarAloneHasTheJobCommandsAndSaysWhereTheToolsAre(@TempDir Path work) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = JarLayoutITCase.JOB_JAR.toAbsolutePath().toString();
        String options = "@" + LAUNCHER.resolveSibling("jvm.options");

        Run help = run(work, Duration.ofMinutes(2), java, options, "-jar", jar, "--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(commands(help.out())).containsExactly("run", "replay", "simulate", "catalog", "grafana", "help");

        Run demo = run(work, Duration.ofMinutes(2), java, options, "-jar", jar, "demo");
        assertThat(demo.exitCode()).isEqualTo(2);
        assertThat(demo.err()).startsWith("Unmatched argument at index 0: 'demo'")
                .contains("demo, bench, soak  Start Kafka and InfluxDB on this machine: they are in")
                .contains("tools/target/twin-tools.jar, which ./twin puts on the class path.");
    }

    /** The command names of a picocli usage message, in order. */
    private static List<String> commands(String usage) {
        List<String> names = new ArrayList<>();
        boolean inCommands = false;
        for (String line : usage.split("\n")) {
            if (line.equals("Commands:")) {
                inCommands = true;
            } else if (inCommands && line.isBlank()) {
                break;
            } else if (inCommands && line.matches("  \\S.*")) {
                names.add(line.trim().split("\\s+")[0]);
            }
        }
        return names;
    }

    @Test
    void theDemoStartsKafkaInfluxDbAndTheEngineAndStopsOnATerminateSignal(@TempDir Path work) throws Exception {
        Path out = work.resolve("demo-out.txt");
        Path err = work.resolve("demo-err.txt");
        Process demo = new ProcessBuilder(LAUNCHER.toString(), "demo", "--scale", "0.01", "--hours", "1")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // Should this JVM be stopped mid-test (the demo and its influxd would outlive it otherwise).
        Thread stopDemo = new Thread(demo::destroy);
        Runtime.getRuntime().addShutdownHook(stopDemo);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            Matcher read = null;
            while (read == null && demo.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                Matcher m = SUMMARY.matcher(Files.readString(out));
                while (m.find()) {
                    if (number(m.group(2)) > 0) {
                        read = m;
                        break;
                    }
                }
            }
            assertThat(read).as("a summary with records read by the engine; out:%n%s%nerr:%n%s", Files.readString(out),
                    Files.readString(err)).isNotNull();
            assertThat(number(read.group(2))).isLessThanOrEqualTo(number(read.group(1)));
            assertThat(Files.readString(out)).contains("Starting Kafka (KRaft, in-process) and InfluxDB (influxd)",
                    "City: Shanghai 上海, ");
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C: the demo's shutdown hook cancels the job and stops the services
            Runtime.getRuntime().removeShutdownHook(stopDemo);
        }
        assertThat(demo.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out)).contains("The demo's InfluxDB (http://127.0.0.1:");
    }

    private static long number(String grouped) {
        return Long.parseLong(grouped.replace(",", ""));
    }
}
