package org.citytwin.jobs.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.embedded.EmbeddedAlertmanager;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.citytwin.jobs.sink.influx.RecordingHttpServer;
import org.citytwin.jobs.sink.notify.NotificationSink;
import org.citytwin.jobs.sink.notify.NotificationText;
import org.citytwin.jobs.sink.notify.Receiver;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path from a Kafka feed: hand-written JSON records (docs/event-format.md) of three gas
 * pressure regulators in three districts, paced at one simulated minute per 200 ms, through the
 * engine (twins, areas, alerts) to a real webhook receiver, a real Alertmanager and a receiver that
 * rejects everything (its notifications become dead letters on Kafka). An incident (two
 * regulators' outlet pressure low), a recovery, a feed stop and the feed resuming: after each,
 * Alertmanager lists exactly the alerts the test computes from its own records and the catalog's
 * thresholds, and the webhook got every transition once.
 */
class AlertEndToEndITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDICATOR = "gas_reg_outlet_pressure_min";
    private static final String TYPE = "gas_pressure_regulator";
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final long MINUTE = 60_000;
    private static final Duration FEED_STOPPED_AFTER = Duration.ofSeconds(10);

    /** The feed as the test plays it: each regulator's outlet pressure now, or no records at all. */
    static final class Feed implements Runnable {
        final Map<String, Double> pressure = new TreeMap<>();
        volatile boolean stopped;
        volatile boolean running = true;
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private long minute;

        Feed(KafkaProducer<byte[], byte[]> producer, String topic) {
            this.producer = producer;
            this.topic = topic;
        }

        synchronized void set(Map<String, Double> values) {
            pressure.putAll(values);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    if (!stopped) {
                        synchronized (this) {
                            long ts = T0 + minute * MINUTE + 30_000;
                            int partition = 0;
                            for (Map.Entry<String, Double> e : pressure.entrySet()) {
                                String json = "{\"id\":\"" + e.getKey() + "-" + minute + "\",\"asset\":\"" + e.getKey()
                                        + "\",\"ts\":" + ts + ",\"readings\":{\"outlet_pressure\":" + e.getValue() + "}}";
                                // both partitions carry records: a source subtask without any would hold the
                                // watermark back until feed idleness
                                producer.send(new ProducerRecord<>(topic, partition++ % 2,
                                        e.getKey().getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
                            }
                            producer.flush();
                            minute++;
                        }
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void incidentRecoveryAndAFeedStopReachAlertmanagerAndTheWebhookExactlyAsTheRecordsSay() throws Exception {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        Catalog catalog = CatalogLoader.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(catalog, types, topology);
        Indicator indicator = catalog.indicators().stream().filter(i -> i.id().equals(INDICATOR)).findFirst().orElseThrow();
        Alert thresholds = indicator.alert();

        // three regulators, each in the first street of its own district
        List<Asset> regulators = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            Area street = topology.children(topology.districts().get(d).code()).get(0);
            regulators.add(new Asset(TYPE + "-" + street.code() + "-e2e", TYPE, street.code(), 31.2, 121.5,
                    Map.of("pressure_class", "medium")));
        }
        AssetRegistry registry = new AssetRegistry(regulators);
        Map<String, Double> normal = new TreeMap<>();
        regulators.forEach(r -> normal.put(r.id(), 3.0));
        Map<String, Double> incident = new TreeMap<>(normal);
        incident.put(regulators.get(0).id(), 2.0); // below warning 2.2, above critical 1.8
        incident.put(regulators.get(1).id(), 1.5); // below critical

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                RecordingHttpServer webhook = new RecordingHttpServer(n -> 200);
                RecordingHttpServer bridge = new RecordingHttpServer(n -> 200);
                RecordingHttpServer broken = new RecordingHttpServer(n -> 400);
                EmbeddedAlertmanager alertmanager = EmbeddedAlertmanager.start(bridge.url() + "/bridge");
                KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            kafka.createTopic("feed", 2);
            kafka.createTopic("dead", 1);
            RejectedNotifications deadLetters = new RejectedNotifications.ToKafka(kafka.bootstrapServers(), "dead");
            NotificationText text = new NotificationText(plan, "http://grafana.test/{area}");
            Map<String, Sink<AlertEvent>> sinks = new LinkedHashMap<>();
            for (Receiver receiver : List.of(
                    new Receiver("oncall", Receiver.Kind.WEBHOOK, webhook.url(), List.of("live"), null,
                            Duration.ofSeconds(5), 2, Duration.ofSeconds(1), Duration.ofMinutes(1)),
                    new Receiver("alertmanager", Receiver.Kind.ALERTMANAGER, alertmanager.url(), List.of("live"), null,
                            Duration.ofSeconds(5), 2, Duration.ofSeconds(1), Duration.ofSeconds(2)),
                    new Receiver("broken", Receiver.Kind.WEBHOOK, broken.url(), List.of("live"), null,
                            Duration.ofSeconds(5), 2, Duration.ofSeconds(1), Duration.ofMinutes(1)))) {
                sinks.put(receiver.name(), new NotificationSink(receiver, text, "http://twin.test", deadLetters));
            }

            Feed feed = new Feed(producer, "feed");
            feed.set(incident);
            Thread feeder = new Thread(feed, "feed");
            feeder.start();

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            new IndicatorJob(plan, RegistryRef.of(registry),
                    new IndicatorJob.Timing(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(1)), "live",
                    FeedSources.kafka(kafka.bootstrapServers(), "feed", "e2e-" + UUID.randomUUID(), "earliest", types,
                            RegistryRef.of(registry), EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                    new DiscardingSink<>(), DeadLetterSinks.kafka(kafka.bootstrapServers(), "feed-dead"))
                    .withAlerts(new Alerting(4, Duration.ofHours(1), FEED_STOPPED_AFTER, sinks))
                    .build(env);
            JobClient job = env.executeAsync("alerts end to end");
            try {
                Set<Map<String, String>> expected = expectedAlerts(incident, regulators, topology, thresholds,
                        indicator.category());
                assertThat(expected).as("the incident, as computed here").hasSize(5);
                awaitActive(alertmanager, expected);

                feed.set(normal);
                awaitActive(alertmanager, Set.of());
                assertThat(expectedAlerts(normal, regulators, topology, thresholds, indicator.category())).isEmpty();

                feed.stopped = true;
                Map<String, String> feedStopped = Map.of("alertname", "feed_stopped", "severity", "critical", "run", "live");
                awaitActive(alertmanager, Set.of(feedStopped));

                feed.stopped = false;
                awaitActive(alertmanager, Set.of());

                // the webhook: every transition of these alerts exactly once, and no other notification
                List<String> expectedNotifications = new ArrayList<>();
                for (Map<String, String> labels : expected) {
                    expectedNotifications.add("firing " + labels);
                    expectedNotifications.add("resolved " + labels);
                }
                expectedNotifications.add("firing " + new TreeMap<>(feedStopped));
                expectedNotifications.add("resolved " + new TreeMap<>(feedStopped));
                await(() -> webhook.accepted().size() >= expectedNotifications.size());
                Thread.sleep(1_000);
                assertThat(notifications(webhook)).containsExactlyInAnyOrderElementsOf(expectedNotifications);

                // the receiver that answers 400: each of its notifications is a dead letter with the answer
                List<ConsumerRecord<byte[], byte[]>> letters =
                        kafka.consume("dead", expectedNotifications.size(), Duration.ofSeconds(30));
                assertThat(broken.received()).as("not retried").isEqualTo(expectedNotifications.size());
                List<String> rejected = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> letter : letters) {
                    JsonNode node = JSON.readTree(letter.value());
                    assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("NOTIFICATION_REJECTED");
                    assertThat(node.get("reason").asText()).isEqualTo("NOTIFICATION_REJECTED");
                    assertThat(node.get("detail").asText())
                            .isEqualTo("HTTP 400 from receiver broken: {\"error\":\"scripted 400\"}");
                    JsonNode alert = JSON.readTree(node.get("payload").asText()).get("alerts").get(0);
                    rejected.add(alert.get("status").asText() + " " + labels(alert));
                }
                assertThat(rejected).containsExactlyInAnyOrderElementsOf(expectedNotifications);
            } finally {
                feed.running = false;
                feeder.join();
                job.cancel().get();
            }
        }
    }

    /**
     * The alerts the records call for, computed here: the minimum outlet pressure of the regulators
     * in each street, district and the city (the indicator's levels), against the catalog's
     * warning and critical thresholds (below). The values are steady for far longer than {@code for}.
     */
    private static Set<Map<String, String>> expectedAlerts(Map<String, Double> pressure, List<Asset> regulators,
            CityTopology topology, Alert thresholds, String category) {
        Map<String, Double> minimum = new TreeMap<>();
        for (Asset r : regulators) {
            for (String area = r.street(); area != null; ) {
                minimum.merge(area, pressure.get(r.id()), Math::min);
                Area parent = topology.parent(area);
                area = parent == null ? null : parent.code();
            }
        }
        Set<Map<String, String>> alerts = new HashSet<>();
        minimum.forEach((area, value) -> {
            String severity = value < thresholds.critical() ? "critical" : value < thresholds.warning() ? "warning" : null;
            if (severity != null) {
                Map<String, String> labels = new TreeMap<>();
                labels.put("alertname", INDICATOR);
                labels.put("indicator", INDICATOR);
                labels.put("category", category);
                labels.put("area", area);
                labels.put("level", topology.area(area).level().tag());
                labels.put("severity", severity);
                labels.put("run", "live");
                alerts.add(labels);
            }
        });
        return alerts;
    }

    private static void awaitActive(EmbeddedAlertmanager alertmanager, Set<Map<String, String>> expected) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!active(alertmanager).equals(expected) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertThat(active(alertmanager)).as("active in Alertmanager within 90 s").isEqualTo(expected);
        Thread.sleep(3_000); // and it stays so: nothing else comes after
        assertThat(active(alertmanager)).isEqualTo(expected);
    }

    private static Set<Map<String, String>> active(EmbeddedAlertmanager alertmanager) throws Exception {
        Set<Map<String, String>> out = new HashSet<>();
        for (JsonNode alert : alertmanager.activeAlerts()) {
            out.add(labels(alert));
        }
        return out;
    }

    private static Map<String, String> labels(JsonNode alert) {
        Map<String, String> labels = new TreeMap<>();
        alert.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static List<String> notifications(RecordingHttpServer webhook) throws Exception {
        List<String> out = new ArrayList<>();
        for (RecordingHttpServer.Request r : webhook.accepted()) {
            JsonNode alert = JSON.readTree(r.body()).get("alerts").get(0);
            out.add(alert.get("status").asText() + " " + labels(alert));
        }
        return out;
    }

    private static void await(Callable<Boolean> condition) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (!condition.call()) {
            assertThat(System.currentTimeMillis()).as("condition within 90 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
