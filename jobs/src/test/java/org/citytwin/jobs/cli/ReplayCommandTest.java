package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
