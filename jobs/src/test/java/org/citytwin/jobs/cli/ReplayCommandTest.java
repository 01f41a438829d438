package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code twin replay} refuses before it touches any file or service. */
class ReplayCommandTest {

    @Test
    void aReplayIntoTheLiveRunWithoutIndicatorsIsRefusedWithOneLine() {
        TwinCommandLine.Run run = TwinCommandLine.run("replay", "--from", "2025-07-01T00:00:00Z",
                "--to", "2025-07-01T01:00:00Z", "--run", "live");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("twin replay: --run live writes into the live series: give --indicators GLOB"
                + " to backfill only those indicators\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aSpeedThatIsNeitherAPositiveNumberNorMaxIsRefused() {
        TwinCommandLine.Run run = TwinCommandLine.run("replay", "--from", "2025-07-01T00:00:00Z",
                "--to", "2025-07-01T01:00:00Z", "--speed", "fast");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("twin replay: --speed takes a positive number or max, not fast\n");
    }

    @Test
    void aSourceOtherThanKafkaOrArchiveDirIsRefused() {
        TwinCommandLine.Run run = TwinCommandLine.run("replay", "--from", "2025-07-01T00:00:00Z",
                "--to", "2025-07-01T01:00:00Z", "--source", "archive");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("twin replay: --source takes kafka or archive DIR, not archive\n");
    }

    @Test
    void anArchiveWithoutFilesForThePeriodAndAGlobMatchingNoIndicatorAreRefused(@TempDir Path dir) throws Exception {
        Path registry = Files.writeString(dir.resolve("registry.jsonl"), "");
        Files.createDirectories(dir.resolve("archive/2025-07-01/05"));
        String[] config = {"--set", "registry.file=" + registry, "--set", "influxdb.url=http://127.0.0.1:9"};

        TwinCommandLine.Run empty = TwinCommandLine.run(concat(new String[] {"replay", "--from", "2025-07-01T00:00:00Z",
                "--to", "2025-07-01T01:00:00Z", "--source", "archive", dir.resolve("archive").toString()}, config));
        TwinCommandLine.Run noMatch = TwinCommandLine.run(concat(new String[] {"replay", "--from", "2025-07-01T00:00:00Z",
                "--to", "2025-07-01T01:00:00Z", "--source", "archive", dir.resolve("archive").toString(),
                "--indicators", "no_such_*"}, config));

        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).isEqualTo("twin replay: no archive files for 2025-07-01T00:00:00Z - 2025-07-01T01:00:00Z"
                + " under " + dir.resolve("archive") + " (its hour directories yyyy-MM-dd/HH/partition-N hold none)\n");
        assertThat(noMatch.exitCode()).isEqualTo(2);
        assertThat(noMatch.err()).isEqualTo("twin replay: --indicators no_such_* matches no indicator of the catalog\n");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
