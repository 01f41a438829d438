package org.citytwin.jobs.sink.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.citytwin.jobs.sink.influx.RecordingHttpServer;
import org.citytwin.model.alert.AlertCondition;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.Severity;
import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notification writer against a real loopback HTTP receiver: payload, signature, retries, 4xx, drills, restarts. */
class NotificationWriterTest {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final NotificationText TEXT =
            new NotificationText(PLAN, "http://grafana.test/d/twin?var-area={area}&var-indicator={indicator}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final long MINUTE = 60_000;
    private static final String SECRET = "s3cret";

    private static AlertEvent aqi(String run, TransitionKind kind, long minute, double value, double threshold) {
        return new AlertEvent("air_aqi_avg", "air_quality", "310101", "district", run,
                new AlertTransition(AlertCondition.THRESHOLD, kind, Severity.CRITICAL, T0 + minute * MINUTE, value, threshold, T0 + 35 * MINUTE, false));
    }

    private static Receiver webhook(String url, List<String> runs) {
        return new Receiver("oncall", Receiver.Kind.WEBHOOK, url, runs, SECRET, Duration.ofSeconds(2), 2,
                Duration.ofMillis(400), Duration.ofMinutes(1));
    }

    @TempDir
    Path deadLetters;

    private NotificationWriter writer(Receiver receiver, List<NotificationBacklog> recovered) throws IOException {
        return new NotificationWriter(receiver, TEXT, "http://twin.test", new UnregisteredMetricsGroup(),
                new RejectedNotifications.ToFiles(deadLetters.toString()).open(receiver.name(), 0), recovered);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("condition within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void webhookGetsTheAlertmanagerVersion4PayloadSignedOverItsBody() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer(n -> 200)) {
            NotificationWriter writer = writer(webhook(server.url() + "/hook", List.of("live")), List.of());
            writer.write(aqi("live", TransitionKind.FIRING, 35, 210, 200), null);
            await(() -> server.accepted().size() == 1);
            writer.close();

            RecordingHttpServer.Request request = server.accepted().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.uri()).isEqualTo("/hook");
            assertThat(request.headers().get("x-twin-signature"))
                    .isEqualTo(Signature.of(SECRET, request.body().getBytes(StandardCharsets.UTF_8)));
            JsonNode payload = JSON.readTree(request.body());
            Map<String, String> labels = Map.of("alertname", "air_aqi_avg", "indicator", "air_aqi_avg",
                    "category", "air_quality", "area", "310101", "level", "district", "severity", "critical", "run", "live");
            assertThat(fieldNames(payload)).containsExactly("version", "groupKey", "truncatedAlerts", "status", "receiver",
                    "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts");
            assertThat(payload.get("version").asText()).isEqualTo("4");
            assertThat(payload.get("status").asText()).isEqualTo("firing");
            assertThat(payload.get("receiver").asText()).isEqualTo("oncall");
            assertThat(payload.get("truncatedAlerts").asInt()).isZero();
            assertThat(payload.get("externalURL").asText()).isEqualTo("http://twin.test");
            assertThat(payload.get("groupKey").asText()).isEqualTo("{}:{alertname=\"air_aqi_avg\", area=\"310101\", "
                    + "category=\"air_quality\", indicator=\"air_aqi_avg\", level=\"district\", run=\"live\", severity=\"critical\"}");
            assertThat(JSON.convertValue(payload.get("commonLabels"), Map.class)).isEqualTo(labels);
            JsonNode alert = payload.get("alerts").get(0);
            assertThat(payload.get("alerts").size()).isEqualTo(1);
            assertThat(fieldNames(alert)).containsExactly("status", "labels", "annotations", "startsAt", "endsAt",
                    "generatorURL", "fingerprint");
            assertThat(JSON.convertValue(alert.get("labels"), Map.class)).isEqualTo(labels);
            assertThat(alert.get("startsAt").asText()).isEqualTo("2025-07-01T00:35:00Z");
            assertThat(alert.get("endsAt").asText()).isEqualTo("0001-01-01T00:00:00Z");
            assertThat(alert.get("fingerprint").asText()).isEqualTo(Notification.fingerprint(labels));
            assertThat(alert.get("generatorURL").asText())
                    .isEqualTo("http://grafana.test/d/twin?var-area=310101&var-indicator=air_aqi_avg");
            assertThat(JSON.convertValue(alert.get("annotations"), Map.class)).isEqualTo(Map.of(
                    "summary", "Average AQI in Huangpu is 210 AQI (critical)",
                    "description", "Average AQI in Huangpu has been above 200 AQI for at least 30 min; now 210 AQI.",
                    "summary_zh", "黄浦区平均空气质量指数为210 AQI（严重）",
                    "description_zh", "黄浦区平均空气质量指数高于200 AQI已持续至少30分钟，当前为210 AQI。",
                    "indicator_description", "Average of the latest AQI of every online air quality station in the area,"
                            + " updated every 5 min.",
                    "indicator_description_zh", "区域内所有在线空气质量监测站最新AQI的平均值，每5分钟更新。",
                    "dashboard", "http://grafana.test/d/twin?var-area=310101&var-indicator=air_aqi_avg"));
        }
    }

    @Test
    void aReceiverFailingWith5xxGetsEveryTransitionInOrderOnceItRecovers() throws Exception {
        long recoversAt = System.currentTimeMillis() + 3_000;
        try (RecordingHttpServer server = new RecordingHttpServer(n -> System.currentTimeMillis() < recoversAt ? 503 : 200)) {
            NotificationWriter writer = writer(webhook(server.url(), List.of("live")), List.of());
            writer.write(aqi("live", TransitionKind.FIRING, 35, 210, 200), null);
            writer.write(aqi("live", TransitionKind.RESOLVED, 50, 130, 140), null);
            await(() -> server.accepted().size() == 2);
            writer.close();
            assertThat(server.received()).isGreaterThan(4); // retried while failing
            assertThat(server.accepted()).extracting(r -> JSON.readTree(r.body()).get("status").asText())
                    .containsExactly("firing", "resolved");
            assertThat(server.accepted()).extracting(r -> JSON.readTree(r.body()).at("/alerts/0/fingerprint").asText())
                    .containsOnly(Notification.fingerprint(TEXT.of(aqi("live", TransitionKind.FIRING, 35, 210, 200)).labels()));
        }
    }

    @Test
    void a4xxIsNotRetriedIsDeadLetteredWithTheAnswerAndDoesNotHoldBackLaterNotifications() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer(n -> n == 0 ? 400 : 200)) {
            NotificationWriter writer = writer(webhook(server.url(), List.of("live")), List.of());
            writer.write(aqi("live", TransitionKind.FIRING, 35, 210, 200), null);
            writer.write(aqi("live", TransitionKind.RESOLVED, 50, 130, 140), null);
            await(() -> writer.undelivered() == 0);
            Thread.sleep(1_000); // a retry would come within the 400 ms maximum backoff
            writer.close();
            assertThat(server.received()).isEqualTo(2);
            assertThat(server.accepted()).extracting(r -> JSON.readTree(r.body()).get("status").asText())
                    .containsExactly("resolved");

            List<String> letters = Files.readAllLines(deadLetters.resolve("notifications-oncall-0.jsonl"));
            assertThat(letters).hasSize(1);
            JsonNode letter = JSON.readTree(letters.get(0));
            assertThat(fieldNames(letter)).containsExactly("reason", "detail", "topic", "partition", "offset", "payload");
            assertThat(letter.get("reason").asText()).isEqualTo("NOTIFICATION_REJECTED");
            assertThat(letter.get("detail").asText()).isEqualTo("HTTP 400 from receiver oncall: {\"error\":\"scripted 400\"}");
            assertThat(letter.get("topic").asText()).isEqualTo("receiver:oncall");
            assertThat(letter.get("partition").asInt()).isEqualTo(-1);
            assertThat(letter.get("offset").asLong()).isEqualTo(-1);
            JsonNode rejected = JSON.readTree(letter.get("payload").asText());
            assertThat(rejected.get("status").asText()).isEqualTo("firing");
            assertThat(rejected.at("/alerts/0/fingerprint").asText())
                    .isEqualTo(TEXT.of(aqi("live", TransitionKind.FIRING, 35, 210, 200)).fingerprint());
        }
    }

    @Test
    void aDrillReachesOnlyDrillReceiversAndPendingTransitionsReachNobody() throws Exception {
        try (RecordingHttpServer live = new RecordingHttpServer(n -> 200);
                RecordingHttpServer drills = new RecordingHttpServer(n -> 200)) {
            NotificationWriter toLive = writer(webhook(live.url(), List.of("live")), List.of());
            NotificationWriter toDrills = writer(webhook(drills.url(), List.of("drill")), List.of());
            for (NotificationWriter w : List.of(toLive, toDrills)) {
                w.write(aqi("drill-2026-11", TransitionKind.FIRING, 35, 210, 200), null);
                w.write(aqi("live", TransitionKind.PENDING, 5, 160, 150), null);
            }
            await(() -> drills.accepted().size() == 1);
            Thread.sleep(300);
            toLive.close();
            toDrills.close();
            assertThat(live.received()).isZero();
            assertThat(drills.received()).isEqualTo(1);
            assertThat(JSON.readTree(drills.accepted().get(0).body()).at("/commonLabels/run").asText()).isEqualTo("drill-2026-11");
        }
    }

    @Test
    void undeliveredNotificationsSurviveARestartThroughTheCheckpointedBacklog() throws Exception {
        List<NotificationBacklog> checkpoint;
        try (RecordingHttpServer down = new RecordingHttpServer(n -> 503)) {
            NotificationWriter before = writer(webhook(down.url(), List.of("live")), List.of());
            before.write(aqi("live", TransitionKind.FIRING, 35, 210, 200), null);
            before.write(aqi("live", TransitionKind.RESOLVED, 50, 130, 140), null);
            await(() -> down.received() >= 2);
            checkpoint = before.snapshotState(1);
            before.close();
        }
        NotificationBacklog.Serializer serializer = new NotificationBacklog.Serializer();
        NotificationBacklog restored = serializer.deserialize(1, serializer.serialize(checkpoint.get(0)));
        assertThat(restored).isEqualTo(checkpoint.get(0));
        assertThat(restored.undelivered()).extracting(Notification::status).containsExactly("firing", "resolved");

        try (RecordingHttpServer up = new RecordingHttpServer(n -> 200)) {
            NotificationWriter after = writer(webhook(up.url(), List.of("live")), List.of(restored));
            await(() -> up.accepted().size() == 2);
            after.close();
            assertThat(up.accepted()).extracting(r -> JSON.readTree(r.body()).get("status").asText())
                    .containsExactly("firing", "resolved");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
