package org.citytwin.jobs.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.jobs.sink.influx.RecordingHttpServer;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.citytwin.jobs.sink.notify.NotificationSink;
import org.citytwin.jobs.sink.notify.NotificationText;
import org.citytwin.jobs.sink.notify.Receiver;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The alert branch in Flink on a hand-written incident (air_aqi_avg in Huangpu): the webhook is
 * down (503) for over two minutes from its first request, and the job is killed mid-incident
 * after a checkpoint; once the receiver recovers it has every transition exactly once per
 * fingerprint and status, each alert's in order, and InfluxDB's {@code alert} measurement holds
 * exactly the transitions. (At-least-once would allow a repeat of a notification acknowledged
 * after the last checkpoint before a failure, or of one whose 2xx came after the client's timeout;
 * here every 2xx comes after the failure and loopback answers at once, so none may occur.)
 */
class AlertDeliveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long the receiver answers 503, from its first request. */
    private static final long OUTAGE_MS = 120_000;

    /** Fails the job once, at the first point of minute 45 (mid-incident) or the first one after a checkpoint completed. */
    static final class FailOnceMidIncident implements MapFunction<IndicatorPoint, IndicatorPoint>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger RECEIVED_BEFORE_FAILURE = new AtomicInteger(-1);
        static volatile RecordingHttpServer receiver;
        private transient boolean checkpointed;

        @Override
        public IndicatorPoint map(IndicatorPoint point) throws Exception {
            // a few checkpoints between points; slower until the first one completed (a loaded machine
            // may take seconds to deploy every task), so that minute 45 always comes after a checkpoint
            Thread.sleep(checkpointed ? 150 : 1_000);
            if (point.time() >= T0 + 45 * MINUTE && checkpointed && FAILED.compareAndSet(false, true)) {
                RECEIVED_BEFORE_FAILURE.set(receiver.received());
                throw new IllegalStateException("injected failure mid-incident");
            }
            return point;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    @Test
    void aReceiverDownAndAJobKilledMidIncidentStillGetEveryTransitionInOrder() throws Exception {
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), AssetTypes.load("shanghai"),
                CityTopology.load("shanghai"));
        List<IndicatorPoint> points = new ArrayList<>();
        for (long m = 0; m <= 80; m += 5) {
            double value = m == 0 ? 120 : m <= 40 ? 170 : m == 45 ? 210 : m <= 60 ? 130 : 100;
            points.add(new IndicatorPoint("air_aqi_avg", "air_quality", "310101", "district", "live", T0 + m * MINUTE, value));
            points.add(new IndicatorPoint("air_aqi_avg", "air_quality", "310104", "district", "live", T0 + m * MINUTE, 50));
        }
        AtomicLong firstRequest = new AtomicLong();
        AtomicLong firstAccepted = new AtomicLong();
        try (EmbeddedInfluxDb influx = EmbeddedInfluxDb.start();
                RecordingHttpServer receiver = new RecordingHttpServer(n -> {
                    long now = System.currentTimeMillis();
                    firstRequest.compareAndSet(0, now);
                    if (now < firstRequest.get() + OUTAGE_MS) {
                        return 503;
                    }
                    firstAccepted.compareAndSet(0, now);
                    return 200;
                })) {
            influx.createDatabase("alerts");
            FailOnceMidIncident.receiver = receiver;
            Configuration config = new Configuration();
            config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
            config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
            config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(2);
            DataStream<IndicatorPoint> stream = env.fromData(points)
                    .assignTimestampsAndWatermarks(WatermarkStrategy.<IndicatorPoint>forMonotonousTimestamps()
                            .withTimestampAssigner((p, ts) -> p.time()))
                    .setParallelism(1)
                    .map(new FailOnceMidIncident()).setParallelism(1);
            Receiver oncall = new Receiver("oncall", Receiver.Kind.WEBHOOK, receiver.url(), List.of("live"), "k3y",
                    Duration.ofSeconds(2), 2, Duration.ofSeconds(5), Duration.ofMinutes(1));
            Map<String, Sink<AlertEvent>> sinks = new LinkedHashMap<>();
            sinks.put("influxdb", InfluxDbSink.builder(InfluxDbEndpoint.v1(influx.url(), "alerts", null, null, null),
                    AlertEvent::toInfluxPoint).maxTimeInBuffer(Duration.ofMillis(100)).build());
            sinks.put("oncall", new NotificationSink(oncall, new NotificationText(plan, "http://grafana.test/{area}"),
                    "http://twin.test", new RejectedNotifications.ToFiles(Files.createTempDirectory("rejected").toString())));
            new Alerting(4, Duration.ofHours(1), Duration.ofMinutes(5), sinks).attach(stream, plan, 5 * MINUTE, "live");
            env.execute("alert delivery");

            assertThat(FailOnceMidIncident.FAILED).isTrue();
            assertThat(FailOnceMidIncident.RECEIVED_BEFORE_FAILURE.get())
                    .as("the firing notification was attempted (and refused) before the failure").isPositive();
            assertThat(firstAccepted.get() - firstRequest.get()).as("the receiver failed for minutes")
                    .isGreaterThanOrEqualTo(OUTAGE_MS);
            assertThat(receiver.received()).as("retried while it failed").isGreaterThan(receiver.accepted().size() + 20);
            List<String> delivered = new ArrayList<>();
            for (RecordingHttpServer.Request r : receiver.accepted()) {
                JsonNode alert = JSON.readTree(r.body()).get("alerts").get(0);
                delivered.add(alert.get("status").asText() + " " + alert.at("/labels/severity").asText() + " "
                        + alert.get("startsAt").asText() + " " + alert.get("endsAt").asText());
            }
            // exactly once each, no folding of repeats (see the class comment)
            // warning and critical are two alerts (severity is a label): each in order, the two in parallel lanes
            assertThat(delivered).containsExactlyInAnyOrder(
                    "firing warning 2025-07-01T00:35:00Z 0001-01-01T00:00:00Z",
                    "resolved warning 2025-07-01T00:35:00Z 2025-07-01T00:45:00Z",
                    "firing critical 2025-07-01T00:45:00Z 0001-01-01T00:00:00Z",
                    "resolved critical 2025-07-01T00:45:00Z 2025-07-01T00:50:00Z");
            assertThat(delivered.stream().filter(d -> d.contains("warning")).toList()).containsExactly(
                    "firing warning 2025-07-01T00:35:00Z 0001-01-01T00:00:00Z",
                    "resolved warning 2025-07-01T00:35:00Z 2025-07-01T00:45:00Z");
            assertThat(delivered.stream().filter(d -> d.contains("critical")).toList()).containsExactly(
                    "firing critical 2025-07-01T00:45:00Z 0001-01-01T00:00:00Z",
                    "resolved critical 2025-07-01T00:45:00Z 2025-07-01T00:50:00Z");

            List<String> rows = new ArrayList<>();
            for (Map<String, Object> row : influx.query("alerts", "SELECT * FROM alert")) {
                rows.add((((Long) row.get("time")) - T0) / MINUTE + " " + row.get("area") + " " + row.get("severity")
                        + " " + row.get("state") + " " + row.get("value") + " " + row.get("threshold"));
            }
            assertThat(rows).containsExactlyInAnyOrder(
                    "5 310101 warning pending 170.0 150.0",
                    "35 310101 warning firing 170.0 150.0",
                    "45 310101 warning resolved 210.0 140.0",
                    "45 310101 critical firing 210.0 200.0",
                    "50 310101 critical resolved 130.0 140.0");
        }
    }
}
