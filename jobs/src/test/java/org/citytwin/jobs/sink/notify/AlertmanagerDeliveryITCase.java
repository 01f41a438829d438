package org.citytwin.jobs.sink.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.citytwin.embedded.EmbeddedAlertmanager;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.jobs.sink.influx.RecordingHttpServer;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.citytwin.model.alert.AlertCondition;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.Severity;
import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

/**
 * Push to a real Prometheus Alertmanager (routed to a loopback webhook receiver): during an
 * incident its API lists exactly the firing alerts with our labels and fingerprints, kept alive
 * by re-sends; after recovery none; its own webhook carries the resolve; a drill never arrives.
 */
class AlertmanagerDeliveryITCase {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final NotificationText TEXT = new NotificationText(PLAN, "http://grafana.test/d/twin?var-area={area}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlertEvent event(String indicator, String category, String area, String run, TransitionKind kind,
            Severity severity, long time, double value, long startsAt) {
        return new AlertEvent(indicator, category, area, "district", run,
                new AlertTransition(AlertCondition.THRESHOLD, kind, severity, time, value, 0, startsAt, false));
    }

    @Test
    void alertmanagerListsExactlyTheFiringAlertsWhileTheyFireAndNoneAfterRecovery() throws Exception {
        try (RecordingHttpServer chatBridge = new RecordingHttpServer(n -> 200);
                EmbeddedAlertmanager alertmanager = EmbeddedAlertmanager.start(chatBridge.url() + "/bridge")) {
            Receiver receiver = new Receiver("alertmanager", Receiver.Kind.ALERTMANAGER, alertmanager.url(),
                    List.of("live"), null, Duration.ofSeconds(2), 2, Duration.ofSeconds(1), Duration.ofSeconds(1));
            NotificationWriter writer = new NotificationWriter(receiver, TEXT, "http://twin.test",
                    new UnregisteredMetricsGroup(),
                    new RejectedNotifications.ToFiles(Files.createTempDirectory("rejected").toString()).open("am", 0), List.of());
            long now = System.currentTimeMillis() - 1_000;
            AlertEvent aqi = event("air_aqi_avg", "air_quality", "310101", "live", TransitionKind.FIRING,
                    Severity.CRITICAL, now, 210, now);
            AlertEvent lifts = event("elev_entrapments", "elevator", "310104", "live", TransitionKind.FIRING,
                    Severity.WARNING, now, 3, now);
            AlertEvent drill = event("air_aqi_avg", "air_quality", "310101", "drill-1", TransitionKind.FIRING,
                    Severity.CRITICAL, now, 210, now);
            writer.write(aqi, null);
            writer.write(lifts, null);
            writer.write(drill, null);

            List<Map<String, String>> expected = List.of(TEXT.of(aqi).labels(), TEXT.of(lifts).labels());
            await(() -> labelSets(alertmanager.activeAlerts()).size() == 2);
            assertThat(labelSets(alertmanager.activeAlerts())).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(fingerprints(alertmanager.activeAlerts())).containsExactlyInAnyOrder(
                    TEXT.of(aqi).fingerprint(), TEXT.of(lifts).fingerprint());

            // each push says endsAt = now + 4 s; only the re-sends keep the alerts active past that
            Thread.sleep(6_000);
            assertThat(labelSets(alertmanager.activeAlerts())).containsExactlyInAnyOrderElementsOf(expected);

            long later = System.currentTimeMillis() - 500;
            writer.write(event("air_aqi_avg", "air_quality", "310101", "live", TransitionKind.RESOLVED,
                    Severity.CRITICAL, later, 120, now), null);
            writer.write(event("elev_entrapments", "elevator", "310104", "live", TransitionKind.RESOLVED,
                    Severity.WARNING, later, 0, now), null);
            await(() -> alertmanager.activeAlerts().isEmpty());
            await(() -> resolvedFingerprints(chatBridge).size() == 2);
            writer.close();
            assertThat(resolvedFingerprints(chatBridge)).containsExactlyInAnyOrder(
                    TEXT.of(aqi).fingerprint(), TEXT.of(lifts).fingerprint());
            assertThat(chatBridge.accepted()).allSatisfy(r -> assertThat(r.body()).doesNotContain("drill-1"));
        }
    }

    private static List<Map<String, String>> labelSets(JsonNode alerts) {
        List<Map<String, String>> out = new ArrayList<>();
        for (JsonNode alert : alerts) {
            Map<String, String> labels = new TreeMap<>();
            alert.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(labels);
        }
        return out;
    }

    private static List<String> fingerprints(JsonNode alerts) {
        List<String> out = new ArrayList<>();
        alerts.forEach(a -> out.add(a.get("fingerprint").asText()));
        return out;
    }

    /** Fingerprints of the alerts Alertmanager reported as resolved to the bridge. */
    private static List<String> resolvedFingerprints(RecordingHttpServer bridge) throws Exception {
        List<String> out = new ArrayList<>();
        for (RecordingHttpServer.Request r : bridge.accepted()) {
            for (JsonNode alert : JSON.readTree(r.body()).get("alerts")) {
                if (alert.get("status").asText().equals("resolved") && !out.contains(alert.get("fingerprint").asText())) {
                    out.add(alert.get("fingerprint").asText());
                }
            }
        }
        return out;
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.call()) {
            assertThat(System.currentTimeMillis()).as("condition within 30 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
