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

    @Test
    void aScenarioWithErrorsOrAWindowOutsideThePeriodIsRefusedWithEveryError(@TempDir Path dir) throws Exception {
        Path registry = Files.writeString(dir.resolve("registry.jsonl"), "");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                scenario: storm
                start: 10m
                duration: 1h
                readings: [{asset: rain_gauge, metric: rainfall, from: 0, to: 50}]
                events: [{asset: rain_gauge, event: hail, rate: 1}]
                """);
        Path late = Files.writeString(dir.resolve("late.yaml"), """
                scenario: late
                start: 30m
                duration: 1h
                events: [{asset: rain_gauge, event: heavy_rain, rate: 1}]
                """);
        String[] replay = {"replay", "--from", "2025-07-01T00:00:00Z", "--to", "2025-07-01T01:00:00Z",
                "--source", "archive", dir.resolve("archive").toString(),
                "--set", "registry.file=" + registry, "--set", "influxdb.url=http://127.0.0.1:9", "--scenario"};

        TwinCommandLine.Run refused = TwinCommandLine.run(concat(replay, new String[] {bad.toString()}));
        TwinCommandLine.Run outside = TwinCommandLine.run(concat(replay, new String[] {late.toString()}));

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("scenario rejected with 2 error(s):\n"
                + "  " + bad + ":4: scenario storm: readings of rain_gauge.rainfall: rainfall is a counter (a cumulative total):"
                + " a synthetic total would be read against the asset's own history total as one huge increment or a reset;"
                + " overlay a gauge or an event instead\n"
                + "  " + bad + ":5: scenario storm: events rain_gauge.hail: asset type rain_gauge has no event 'hail'"
                + " (its events: heavy_rain)\n");
        assertThat(outside.exitCode()).isEqualTo(2);
        assertThat(outside.err()).isEqualTo("twin replay: " + late + ": scenario late: its window 2025-07-01T00:30:00Z"
                + " - 2025-07-01T01:30:00Z is not inside the replayed period 2025-07-01T00:00:00Z - 2025-07-01T01:00:00Z\n");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
