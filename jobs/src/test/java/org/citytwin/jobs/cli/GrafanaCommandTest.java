package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin grafana --out DIR} writes exactly the dashboards committed under {@code grafana/}. */
class GrafanaCommandTest {
    private static final Path COMMITTED = Path.of("..", "grafana").toAbsolutePath().normalize();

    @Test
    void writesTheCommittedDashboardsAndGazetteer(@TempDir Path out) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = TwinCli.commandLine().execute("grafana", "--out", out.toString());
        } finally {
            System.setOut(original);
        }

        assertThat(code).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("35 files written to " + out + "\n");
        List<Path> written;
        try (Stream<Path> files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).map(out::relativize).sorted().toList();
        }
        assertThat(written).hasSize(35);
        for (Path p : written) {
            assertThat(Files.readString(out.resolve(p))).as(p.toString())
                    .isEqualTo(Files.readString(COMMITTED.resolve(p)));
        }
    }
}
