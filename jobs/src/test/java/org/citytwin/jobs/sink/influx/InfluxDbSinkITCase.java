package org.citytwin.jobs.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sink's HTTP behaviour: v2 request shape, retries of transient failures, failure on rejects. */
class InfluxDbSinkITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static List<IndicatorPoint> points(int n) {
        List<IndicatorPoint> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(new IndicatorPoint("water supply load", "water_supply", "310101", "district", "live",
                    1_767_225_600_000L + 60_000L * i, i / 4.0));
        }
        return points;
    }

    /** The line protocol of each point, written here by hand from the schema as the reference. */
    private static Set<String> expectedLines(int n) {
        Set<String> lines = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String value = Double.toString(i / 4.0);
            lines.add("indicator,area=310101,category=water_supply,id=water\\ supply\\ load,level=district,run=live value="
                    + value + " " + (1_767_225_600_000L + 60_000L * i));
        }
        return lines;
    }

    private static void runJob(InfluxDbEndpoint endpoint, int n) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(points(n)).sinkTo(InfluxDbSink.builder(endpoint, IndicatorPoint::toInfluxPoint)
                .maxBatchSize(10).maxBackoff(java.time.Duration.ofMillis(200)).build());
        env.execute("sink");
    }

    private static Set<String> linesOf(List<RecordingHttpServer.Request> requests) {
        List<String> lines = new ArrayList<>();
        requests.forEach(r -> lines.addAll(List.of(r.body().split("\n"))));
        return new HashSet<>(lines);
    }

    @Test
    void v2WritesGzipLineProtocolWithTokenToOrgAndBucketInMilliseconds() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer(n -> 204)) {
            runJob(InfluxDbEndpoint.v2(server.url() + "/", "city ops", "twin", "t0ken"), 25);

            assertThat(server.accepted()).hasSize(3);
            for (RecordingHttpServer.Request request : server.accepted()) {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.uri()).isEqualTo("/api/v2/write?precision=ms&org=city+ops&bucket=twin");
                assertThat(request.headers()).containsEntry("authorization", "Token t0ken")
                        .containsEntry("content-encoding", "gzip")
                        .containsEntry("content-type", "text/plain; charset=utf-8");
            }
            assertThat(linesOf(server.accepted())).isEqualTo(expectedLines(25));
        }
    }

    @Test
    void transientFailuresAreRetriedUntilEveryPointLands() throws Exception {
        // Requests 0, 1 and 3 fail with 503 and 429; the sink must resend those batches.
        try (RecordingHttpServer server = new RecordingHttpServer(n -> n == 0 || n == 1 ? 503 : n == 3 ? 429 : 204)) {
            runJob(InfluxDbEndpoint.v1(server.url(), "twin", "autogen", "ops", "pw"), 30);

            assertThat(server.received()).isEqualTo(server.accepted().size() + 3);
            assertThat(server.accepted()).allSatisfy(r -> {
                assertThat(r.uri()).isEqualTo("/write?precision=ms&db=twin&rp=autogen");
                assertThat(r.headers()).containsEntry("authorization", "Basic b3BzOnB3");
            });
            assertThat(linesOf(server.accepted())).isEqualTo(expectedLines(30));
            assertThat(server.accepted().stream().mapToInt(r -> r.body().split("\n").length).sum()).isEqualTo(30);
        }
    }

    @Test
    void retriedWritesAreCountedInTheEngineMeasurement() throws Exception {
        int refusals = 3;
        try (EmbeddedInfluxDb influx = EmbeddedInfluxDb.start();
                RefusingProxy proxy = new RefusingProxy(influx.url(), refusals)) {
            influx.createDatabase("twin");
            InfluxDbEndpoint direct = InfluxDbEndpoint.v1(influx.url(), "twin", null, null, null);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(points(30)).sinkTo(InfluxDbSink.builder(InfluxDbEndpoint.v1(proxy.url(), "twin", null, null, null),
                            IndicatorPoint::toInfluxPoint)
                    .maxBatchSize(10).maxBackoff(java.time.Duration.ofMillis(200))
                    .engineSamples(new InfluxDbSampleWriter(direct), "points", "live").build());
            env.execute("sink behind a proxy that refuses the first writes");

            assertThat(proxy.refused()).isEqualTo(refusals);
            assertThat(influx.query("twin", "SELECT count(\"value\") FROM \"indicator\"").get(0).get("count"))
                    .as("points that landed").isEqualTo(30.0);
            List<java.util.Map<String, Object>> retries = influx.query("twin", "SELECT last(\"value\") FROM \"engine\" "
                    + "WHERE \"metric\" = 'influx_write_retries' AND \"operator\" = 'points' AND \"run\" = 'live'");
            assertThat(retries).hasSize(1);
            assertThat(retries.get(0).get("last")).as("influx_write_retries read back").isEqualTo((double) refusals);
        }
    }

    @Test
    void theLastVersionOfAPointWrittenIsTheOneInfluxDbKeepsEvenWhenAnEarlierWriteIsRetried() throws Exception {
        // One point written 40 times with growing values, as a window corrected by late records is:
        // the first write is refused and retried. Had a later version landed before that retry,
        // InfluxDB would keep the stale first value.
        int versions = 40;
        List<IndicatorPoint> corrections = new ArrayList<>();
        for (int v = 1; v <= versions; v++) {
            corrections.add(new IndicatorPoint("water supply load", "water_supply", "310101", "district", "live",
                    1_767_225_600_000L, v));
        }
        try (EmbeddedInfluxDb influx = EmbeddedInfluxDb.start(); RefusingProxy proxy = new RefusingProxy(influx.url(), 1)) {
            influx.createDatabase("twin");
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.fromData(corrections).sinkTo(InfluxDbSink.builder(InfluxDbEndpoint.v1(proxy.url(), "twin", null, null, null),
                    IndicatorPoint::toInfluxPoint).maxBatchSize(1).maxBackoff(java.time.Duration.ofMillis(200)).build());
            env.execute("versions of one point, the first write refused once");

            assertThat(proxy.refused()).isEqualTo(1);
            assertThat(influx.query("twin", "SELECT \"value\" FROM \"indicator\"")).singleElement()
                    .satisfies(row -> assertThat(row.get("value")).as("the value InfluxDB kept").isEqualTo((double) versions));
        }
    }

    @Test
    void aRejectedBatchFailsTheJobWithTheServersAnswer() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer(n -> 401)) {
            assertThatThrownBy(() -> runJob(InfluxDbEndpoint.v1(server.url(), "twin", null, null, null), 5))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("InfluxDB rejected a batch of 5 points")
                            .contains("HTTP 401 {\"error\":\"scripted 401\"}"));
        }
    }

    @Test
    void aMissingDatabaseStopsTheJobAtOnceInsteadOfRestartingForever() throws Exception {
        try (RecordingHttpServer server = new RecordingHttpServer(n -> 404)) {
            org.apache.flink.configuration.Configuration config = new org.apache.flink.configuration.Configuration();
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
            config.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    java.time.Duration.ofMillis(10));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
            env.setParallelism(1);
            env.fromData(points(5)).sinkTo(InfluxDbSink.builder(InfluxDbEndpoint.v1(server.url(), "nope", null, null, null),
                    IndicatorPoint::toInfluxPoint).maxBatchSize(10).build());

            assertThatThrownBy(() -> env.execute("sink to a missing database"))
                    .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                            .contains("SuppressRestartsException")
                            .contains("HTTP 404 {\"error\":\"scripted 404\"}"));
            // One attempt, one request: a restart would have sent the batch again.
            assertThat(server.received()).isEqualTo(1);
        }
    }
}
