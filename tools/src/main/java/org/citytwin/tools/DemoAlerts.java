package org.citytwin.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.citytwin.embedded.EmbeddedAlertmanager;
import org.citytwin.embedded.EmbeddedInfluxDb;

/**
 * The demo's alerts: a local Alertmanager when {@code prometheus-alertmanager} is installed (the
 * engine pushes to it), and the firing alerts for the live summary, from the {@code alert}
 * measurement (and Alertmanager's count of active alerts), with the delay of the notifications
 * ({@link NotificationDelays}).
 */
final class DemoAlerts implements AutoCloseable {

    private final EmbeddedAlertmanager alertmanager;
    private final Path receivers;

    private DemoAlerts(EmbeddedAlertmanager alertmanager, Path receivers) {
        this.alertmanager = alertmanager;
        this.receivers = receivers;
    }

    /** Starts Alertmanager if it is installed; without it the demo still evaluates and records alerts. */
    static DemoAlerts start(Path work) throws IOException, InterruptedException {
        EmbeddedAlertmanager alertmanager;
        try {
            alertmanager = EmbeddedAlertmanager.start(null);
        } catch (IllegalStateException missing) {
            System.out.println("Alertmanager not started (" + missing.getMessage() + "); alerts go to InfluxDB only.");
            return new DemoAlerts(null, null);
        }
        Path receivers = work.resolve("receivers.yaml");
        Files.writeString(receivers, String.join("\n",
                "receivers:",
                "  - name: demo-alertmanager",
                "    type: alertmanager",
                "    url: " + alertmanager.url(),
                "    resend-interval: 30s",
                ""));
        System.out.println("Alertmanager: " + alertmanager.url() + " (open it in a browser to see the alerts fire and resolve)");
        return new DemoAlerts(alertmanager, receivers);
    }

    /** Engine options that send notifications to the local Alertmanager. */
    List<String> options() {
        return receivers == null ? List.of() : List.of("alerts.receivers.file=" + receivers);
    }

    /** The local Flink's configuration, with the reporter that brings the notification delays to the summary. */
    Configuration withDelayReporter(Configuration flink) {
        flink.setString(NotificationDelays.FACTORY_OPTION, NotificationDelays.class.getName());
        return flink;
    }

    /** "N firing: indicator area severity (or no_data, feed_stopped), ..." from the latest transition of each live alert. */
    String summary(EmbeddedInfluxDb influx, String database) throws Exception {
        List<String> firing = new ArrayList<>();
        for (Map<String, Object> row : influx.query(database,
                "SELECT last(state) FROM alert WHERE run = 'live' GROUP BY condition, indicator, area, severity")) {
            if ("firing".equals(row.get("last"))) {
                String condition = (String) row.get("condition");
                firing.add(row.get("indicator") + " " + row.get("area") + " "
                        + ("threshold".equals(condition) ? row.get("severity") : condition));
            }
        }
        String list = firing.isEmpty() ? "none" : firing.size() + " — "
                + String.join(", ", firing.subList(0, Math.min(6, firing.size()))) + (firing.size() > 6 ? ", ..." : "");
        String pushed = alertmanager == null ? "" : " | active in Alertmanager: " + alertmanager.activeAlerts().size();
        String delays = NotificationDelays.summary();
        return "  firing alerts 告警: " + list + pushed
                + (delays == null ? "" : "\n  point → Alertmanager delay 告警送达延迟: " + delays);
    }

    @Override
    public void close() {
        if (alertmanager != null) {
            alertmanager.close();
        }
    }
}
