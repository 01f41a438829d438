package org.citytwin.jobs.sink.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receivers file: defaults, secrets from the environment or a file, runs, and located errors. */
class ReceiversTest {

    @Test
    void receiversAreReadWithTheirDefaultsAndSecrets(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("bridge.secret");
        Files.writeString(secret, "from-file\n");
        Path file = dir.resolve("receivers.yaml");
        Files.writeString(file, """
                receivers:
                  - name: oncall
                    type: webhook
                    url: https://bridge.example/hook
                    secret-env: ONCALL_SECRET
                  - name: alertmanager
                    type: alertmanager
                    url: http://alertmanager:9093
                    resend-interval: 30s
                  - name: drills
                    url: http://drill-bridge:8080/hook
                    runs: [drill]
                    secret-file: %s
                    max-in-flight: 1
                """.formatted(secret));
        List<Receiver> receivers = Receivers.load(file, Map.of("ONCALL_SECRET", "from-env"));
        assertThat(receivers).containsExactly(
                new Receiver("oncall", Receiver.Kind.WEBHOOK, "https://bridge.example/hook", List.of("live"), "from-env",
                        Duration.ofSeconds(10), 4, Duration.ofMinutes(5), Duration.ofMinutes(1)),
                new Receiver("alertmanager", Receiver.Kind.ALERTMANAGER, "http://alertmanager:9093", List.of("live"), null,
                        Duration.ofSeconds(10), 4, Duration.ofMinutes(5), Duration.ofSeconds(30)),
                new Receiver("drills", Receiver.Kind.WEBHOOK, "http://drill-bridge:8080/hook", List.of("drill"), "from-file",
                        Duration.ofSeconds(10), 1, Duration.ofMinutes(5), Duration.ofMinutes(1)));
        assertThat(receivers.get(0).toString()).doesNotContain("from-env");

        assertThat(Receivers.forRun(receivers, "live")).extracting(Receiver::name).containsExactly("oncall", "alertmanager");
        assertThat(Receivers.forRun(receivers, "drill-2026-11")).extracting(Receiver::name).containsExactly("drills");
        assertThat(Receivers.forRun(receivers.subList(0, 2), "drill-2026-11")).isEmpty();
    }

    @Test
    void mistakesAreReportedWithTheFileAndReceiver(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("receivers.yaml");
        Files.writeString(file, """
                receivers:
                  - name: oncall
                    url: https://bridge.example/hook
                    secret: plain-text
                """);
        assertThatThrownBy(() -> Receivers.load(file, Map.of()))
                .hasMessage(file + ": receiver oncall: unknown key 'secret'");
        Files.writeString(file, """
                receivers:
                  - name: oncall
                    url: https://bridge.example/hook
                    secret-env: UNSET_SECRET
                """);
        assertThatThrownBy(() -> Receivers.load(file, Map.of()))
                .hasMessage(file + ": receiver oncall: its secret variable is not set");
        Files.writeString(file, """
                receivers:
                  - name: oncall
                    type: slack
                    url: https://bridge.example/hook
                """);
        assertThatThrownBy(() -> Receivers.load(file, Map.of()))
                .hasMessage(file + ": receiver oncall: type must be webhook or alertmanager");
    }
}
