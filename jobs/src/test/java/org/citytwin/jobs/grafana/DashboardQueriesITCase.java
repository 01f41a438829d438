package org.citytwin.jobs.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.alert.Severity;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.AlertCondition;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.citytwin.embedded.EmbeddedKafka;
import org.citytwin.grafana.PanelQuery;
import org.citytwin.grafana.QueryInterpolation;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.jobs.engine.source.FeedSources;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.sink.deadletter.DeadLetterSinks;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.jobs.testing.CoverageFeed;
import org.citytwin.jobs.testing.TwinMiniCluster;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.RecordClass;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every query of the committed Grafana dashboards — panel targets, annotations and query variables,
 * with {@code $timeFilter}, {@code $__interval}, {@code $__interval_ms} and the variables filled in as
 * Grafana does — runs without error and returns data on a real InfluxDB, after the engine has written
 * a simulated half hour of Shanghai to it and a few {@code alert} transitions were written beside it.
 */
class DashboardQueriesITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TwinMiniCluster.twoTaskManagers();

    private static final String DATABASE = "twin";
    private static final String TOPIC = "city-feed";
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;
    /** The city of IndicatorEngineITCase, whose registry has an asset for every indicator's filter. */
    private static final long SEED = 10;
    /** About 5,500 assets (smaller scales leave the rarest asset types, water plants and port cranes, without any). */
    private static final double SCALE = 0.1;
    private static final Path DASHBOARDS = Path.of("..", "grafana", "dashboards").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static EmbeddedInfluxDb influx;
    private static Catalog catalog;
    private static CityTopology topology;
    /** The simulated half hour ends on the hour at least a quarter of an hour ago, so no record is "in the future". */
    private static long start;
    private static long end;
    private static long jobEnded;
    private static long runStarted;
    /** How many checkpoints the JobManager completed during the run. */
    private static long completedCheckpoints;

    @BeforeAll
    static void runTheEngineAndWriteAlerts(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long t0 = System.nanoTime();
        runStarted = System.currentTimeMillis();
        kafka = EmbeddedKafka.start();
        influx = EmbeddedInfluxDb.start();
        influx.createDatabase(DATABASE);
        AssetTypes types = AssetTypes.load("shanghai");
        topology = CityTopology.load("shanghai");
        catalog = CatalogLoader.load("shanghai");
        EvaluationPlan plan = EvaluationPlan.compile(catalog, types, topology);
        // Ends on an hour so that every window (5 min to 1 h) holding the coverage records closes with it.
        end = (System.currentTimeMillis() - 15 * MINUTE) / HOUR * HOUR;
        start = end - 30 * MINUTE;
        CitySimulator simulator = new CitySimulator(types, topology, CitySimulator.options().seed(SEED).scale(SCALE)
                .badShare(0.02).start(start).duration(end - start).stormAt(start, end - start));
        List<SimRecord> feed = new ArrayList<>();
        simulator.forEach(feed::add);
        feed.addAll(CoverageFeed.topUp(simulator, types, plan, catalog.indicators(), Set.of(), SEED));
        kafka.createTopic(TOPIC, 1);
        kafka.createTopic("dead-letters", 1);
        kafka.produce(records(feed));

        RegistryRef registry = RegistryRef.of(simulator.registry());
        InfluxDbEndpoint endpoint = InfluxDbEndpoint.v1(influx.url(), DATABASE, null, null, null);
        // On the extension's MiniCluster, whose JobManager the checkpoint statistics are read from.
        StreamExecutionEnvironment env = new org.apache.flink.streaming.util.TestStreamEnvironment(cluster, 1);
        env.setParallelism(1); // one partition: a second source subtask would sit idle and hold the watermark
        env.enableCheckpointing(2_000); // for the checkpoint-duration panel
        new IndicatorJob(plan, registry, new IndicatorJob.Timing(Duration.ofSeconds(30), Duration.ofMinutes(1),
                Duration.ofMinutes(5)), "live",
                FeedSources.kafka(kafka.bootstrapServers(), TOPIC, "group-" + UUID.randomUUID(), "earliest", types,
                        registry, org.citytwin.model.event.EventParser.DEFAULT_MAX_FUTURE_SKEW, false),
                InfluxDbSink.builder(endpoint, IndicatorPoint::toInfluxPoint)
                        .engineSamples(new org.citytwin.jobs.sink.influx.InfluxDbSampleWriter(endpoint), "points", "live")
                        .build(),
                DeadLetterSinks.kafka(kafka.bootstrapServers(), "dead-letters"))
                .withEngineSamples(new org.citytwin.jobs.sink.influx.InfluxDbSampleWriter(endpoint))
                .build(env);
        JobClient job = env.executeAsync("indicator engine for the dashboard queries");
        try {
            pulseUntilEverythingIsWritten(feed);
        } finally {
            job.cancel().get();
        }
        completedCheckpoints = cluster.getExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot().getCounts()
                .getNumberOfCompletedCheckpoints();
        jobEnded = System.currentTimeMillis();
        influx.write(DATABASE, alertTransitions());
        System.out.printf("engine run and alerts written in %.1f s (%d feed records)%n", (System.nanoTime() - t0) / 1e9,
                feed.size());
    }

    /**
     * An unbounded job emits a tick when the watermark passes it, and the engine samples its totals
     * every 10 s (a rate needs two): one good record a second, each 20 s of event time later than the
     * last, drives both until every indicator and every engine metric is in.
     */
    /**
     * records_read, records_applied, dead_letters, points_written, watermark_lag_ms,
     * influx_write_retries, checkpoint_duration_ms.
     */
    private static final int ENGINE_METRICS = 7;

    private static void pulseUntilEverythingIsWritten(List<SimRecord> feed) throws Exception {
        SimRecord template = feed.stream().filter(r -> r.recordClass() == RecordClass.GOOD && r.text().contains("\"readings\""))
                .findFirst().orElseThrow();
        long deadline = System.currentTimeMillis() + 120_000;
        int seen = -1;
        long changed = System.currentTimeMillis();
        for (int k = 0; System.currentTimeMillis() < deadline && System.currentTimeMillis() - changed < 30_000; k++) {
            int indicators = tagValues("indicator", "id");
            if (indicators == catalog.size() && tagValues("engine", "metric") == ENGINE_METRICS
                    && samplingRounds() >= 3) {
                return;
            }
            if (indicators != seen) {
                seen = indicators;
                changed = System.currentTimeMillis();
            }
            ObjectNode pulse = (ObjectNode) JSON.readTree(template.json());
            pulse.put("id", "pulse-" + k);
            pulse.put("ts", end + MINUTE + 20_000L * k);
            kafka.produce(List.of(new ProducerRecord<>(TOPIC, 0, template.key().getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(pulse))));
            Thread.sleep(1000);
        }
        Set<String> written = new java.util.HashSet<>();
        influx.query(DATABASE, "SHOW TAG VALUES FROM \"indicator\" WITH KEY = \"id\"")
                .forEach(row -> written.add((String) row.get("value")));
        List<String> missing = catalog.indicators().stream().filter(i -> !written.contains(i.id()))
                .map(i -> i.id() + " (" + i.source() + " " + i.aggregation() + " " + i.periodMs() / 1000 + " s)").toList();
        throw new AssertionError("InfluxDB has " + written.size() + " of " + catalog.size() + " indicators and "
                + tagValues("engine", "metric") + " of " + ENGINE_METRICS + " engine metrics; without points: " + missing);
    }

    /** Rounds of engine samples so far: rates and differences need two per 10 s interval. */
    private static long samplingRounds() throws Exception {
        List<Map<String, Object>> rows = influx.query(DATABASE,
                "SELECT count(\"value\") FROM \"engine\" WHERE \"metric\" = 'records_read'");
        return rows.isEmpty() ? 0 : Math.round((Double) rows.get(0).get("count"));
    }

    private static int tagValues(String measurement, String key) throws Exception {
        return influx.query(DATABASE, "SHOW TAG VALUES FROM \"" + measurement + "\" WITH KEY = \"" + key + "\"").size();
    }

    /**
     * Per category, on its first indicator: the city PENDING then FIRING, Huangpu FIRING, Xuhui FIRING
     * then RESOLVED; before the dashboards' time range (it starts a minute before the simulation),
     * Changning FIRING two hours before and still firing, Jing'an FIRING three hours before and
     * RESOLVED two hours before. Three alerts per category fire at the end: the city's, Huangpu's
     * and Changning's; Xuhui's and Jing'an's must not count.
     */
    private static String alertTransitions() {
        StringBuilder lines = new StringBuilder();
        for (Category c : catalog.categories()) {
            Indicator i = catalog.indicators().stream().filter(x -> x.category().equals(c.id())).findFirst().orElseThrow();
            lines.append(alert(i, "310000", "city", "PENDING", end - 3 * MINUTE));
            lines.append(alert(i, "310000", "city", "FIRING", end - 2 * MINUTE));
            lines.append(alert(i, "310101", "district", "FIRING", end - 2 * MINUTE));
            lines.append(alert(i, "310104", "district", "FIRING", end - 5 * MINUTE));
            lines.append(alert(i, "310104", "district", "RESOLVED", end - MINUTE));
            lines.append(alert(i, "310105", "district", "FIRING", start - 2 * HOUR));
            lines.append(alert(i, "310106", "district", "FIRING", start - 3 * HOUR));
            lines.append(alert(i, "310106", "district", "RESOLVED", start - 2 * HOUR));
        }
        return lines.toString();
    }

    /** A transition as the engine writes it ({@link AlertEvent}), in line protocol. */
    private static String alert(Indicator i, String area, String level, String state, long time) {
        AlertTransition transition = new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.valueOf(state),
                Severity.CRITICAL, time, 2.5, 2, time, false);
        return new AlertEvent(i.id(), i.category(), area, level, "live", transition).toInfluxPoint().toLineProtocol() + "\n";
    }

    private static List<ProducerRecord<byte[], byte[]>> records(List<SimRecord> feed) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(feed.size());
        for (SimRecord r : feed) {
            out.add(new ProducerRecord<>(TOPIC, 0, r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
        return out;
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (influx != null) {
            influx.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---------------------------------------------------------------- the queries

    private static Map<String, JsonNode> dashboards() throws Exception {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path p : files.sorted().toList()) {
                out.put(p.getFileName().toString(), JSON.readTree(p.toFile()));
            }
        }
        return out;
    }

    /** As Grafana sends them for the range from the simulation's start to after the job, live, city-wide. */
    private static QueryInterpolation grafana() {
        return new QueryInterpolation(start - MINUTE, jobEnded + MINUTE, 1000, 10_000,
                Map.of("run", "live", "area", topology.city().code()));
    }

    @Test
    void everyDashboardQueryRunsAndReturnsData() throws Exception {
        QueryInterpolation grafana = grafana();
        List<PanelQuery> queries = new ArrayList<>();
        dashboards().values().forEach(d -> queries.addAll(PanelQuery.of(d)));
        List<String> failures = new ArrayList<>();
        long t0 = System.nanoTime();
        for (PanelQuery q : queries) {
            String sent = grafana.apply(q.query());
            try {
                if (influx.query(DATABASE, sent).isEmpty()) {
                    failures.add("no data: " + q.dashboardUid() + " " + q.where() + ": " + sent + whatIsThere(sent));
                }
            } catch (java.io.IOException e) {
                failures.add("error: " + q.dashboardUid() + " " + q.where() + ": " + e.getMessage());
            }
        }
        System.out.printf("%d queries of %d dashboards in %.1f s, $__interval = %d ms%n", queries.size(),
                dashboards().size(), (System.nanoTime() - t0) / 1e9, grafana.intervalMs());

        assertThat(failures).as("queries failing or without data").isEmpty();
        // Per category panel; per category tile (its headline indicators and the firing count) and
        // annotation; the wall's map (2), alert list, feed health (3); engine health (6); the run
        // variable on all 34 dashboards.
        int categories = catalog.categories().size();
        assertThat(queries).hasSize(catalog.size() + headlines() + 2 * categories + 2 + 1 + 3 + 6 + (categories + 2));
    }

    private static Stream<JsonNode> elements(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    /** For a query without data: the indicator's points in any area at any time (diagnosis). */
    private static String whatIsThere(String sent) throws Exception {
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\" = '([^']+)'").matcher(sent);
        if (!id.find()) {
            return "";
        }
        return "; its points: " + influx.query(DATABASE, "SELECT \"value\", \"area\", \"level\" FROM \"indicator\" "
                + "WHERE \"id\" = '" + id.group(1) + "' LIMIT 8") + " (range " + start + ".." + jobEnded + ")";
    }

    /** Headline indicators of the whole catalog: the wall's tiles show each of them. */
    private static int headlines() {
        return (int) catalog.indicators().stream().filter(Indicator::headline).count();
    }

    @Test
    void alertPanelsCountTheAlertsFiringAtTheEndOfTheRangeHoweverLongAgoTheyStarted() throws Exception {
        QueryInterpolation grafana = grafana();
        JsonNode wall = dashboards().get("city-vital-signs.json");
        List<PanelQuery> queries = PanelQuery.of(wall);
        List<PanelQuery> firingCounts = queries.subList(0, headlines() + catalog.categories().size()).stream()
                .filter(q -> q.where().endsWith("target F")).toList();
        assertThat(firingCounts).hasSize(catalog.categories().size());
        for (PanelQuery firing : firingCounts) {
            List<Map<String, Object>> rows = influx.query(DATABASE, grafana.apply(firing.query()));
            assertThat(rows).as(firing.where()).hasSize(1);
            assertThat(rows.get(0).get("firing")).as(firing.where()).isEqualTo(3.0);
        }
        int map = headlines() + catalog.categories().size(); // the map's indicator query, then its firing query
        List<Map<String, Object>> byDistrict = influx.query(DATABASE, grafana.apply(queries.get(map + 1).query()));
        assertThat(byDistrict).hasSize(2);
        assertThat(byDistrict.get(0)).containsEntry("area", "310101").containsEntry("firing", (double) catalog.categories().size());
        assertThat(byDistrict.get(1)).containsEntry("area", "310105").containsEntry("firing", (double) catalog.categories().size());
        List<Map<String, Object>> list = influx.query(DATABASE, grafana.apply(queries.get(map + 2).query()));
        assertThat(list).hasSize(3 * catalog.categories().size());
        assertThat(list).allSatisfy(row -> assertThat(row).containsEntry("state", TransitionKind.FIRING.label()));
        assertThat(list.stream().map(r -> r.get("area")).distinct().sorted().toList())
                .containsExactly("310000", "310101", "310105");
    }

    @Test
    void engineHealthShowsEveryCompletedCheckpointsDurationAsTheJobSawIt() throws Exception {
        List<Double> durations = new ArrayList<>();
        for (Map<String, Object> row : influx.query(DATABASE,
                "SELECT \"value\" FROM \"engine\" WHERE \"metric\" = 'checkpoint_duration_ms' AND \"run\" = 'live'")) {
            durations.add((Double) row.get("value"));
        }
        long runMillis = jobEnded - runStarted;
        System.out.printf("checkpoints completed (JobManager) %d; recorded by the job %d: %s ms; run %d ms%n",
                completedCheckpoints, durations.size(), durations, runMillis);
        // One sample per completion notice: never more than completed; a notice may be skipped (a
        // later completion subsumes it) or come after the cancel.
        assertThat(durations).as("checkpoint_duration_ms samples").isNotEmpty()
                .hasSizeLessThanOrEqualTo((int) completedCheckpoints);
        assertThat(durations).allSatisfy(d -> assertThat(d).isGreaterThan(0.0).isLessThan((double) runMillis));
    }

    @Test
    void categoryQueriesForAStreetReturnDataForEveryIndicatorWithPointsInThatStreet() throws Exception {
        // The street with the most indicators written: its data decides which panels must show data.
        String street = null;
        Set<String> withPoints = Set.of();
        for (org.citytwin.model.topology.Area s : topology.streets()) {
            Set<String> ids = new java.util.HashSet<>();
            influx.query(DATABASE, "SHOW TAG VALUES FROM \"indicator\" WITH KEY = \"id\" WHERE \"area\" = '"
                    + s.code() + "'").forEach(row -> ids.add((String) row.get("value")));
            if (ids.size() > withPoints.size()) {
                street = s.code();
                withPoints = ids;
            }
        }
        JsonNode category = dashboards().get("category-03-water-supply.json");
        assertThat(elements(category.path("templating").path("list")).filter(v -> v.path("name").asText().equals("area"))
                .flatMap(v -> elements(v.path("options"))).map(o -> o.path("value").asText()).toList())
                .as("the area variable's values").hasSize(1 + topology.districts().size() + topology.streets().size())
                .contains(street);
        QueryInterpolation grafana = new QueryInterpolation(start - MINUTE, jobEnded + MINUTE, 1000, 10_000,
                Map.of("run", "live", "area", street));
        int expected = 0;
        int answered = 0;
        for (Map.Entry<String, JsonNode> d : dashboards().entrySet()) {
            if (!d.getKey().startsWith("category-")) {
                continue;
            }
            for (JsonNode panel : d.getValue().path("panels")) {
                String query = panel.path("targets").get(0).path("query").asText();
                String id = query.replaceAll("(?s).*\"id\" = '([^']+)'.*", "$1");
                boolean hasData = !influx.query(DATABASE, grafana.apply(query)).isEmpty();
                assertThat(hasData).as("%s in street %s: %s", id, street, query).isEqualTo(withPoints.contains(id));
                expected += withPoints.contains(id) ? 1 : 0;
                answered += hasData ? 1 : 0;
            }
        }
        System.out.printf("street %s: %d of %d indicator panels with data%n", street, answered, catalog.size());
        assertThat(answered).isEqualTo(expected).isEqualTo(withPoints.size());
    }
}
