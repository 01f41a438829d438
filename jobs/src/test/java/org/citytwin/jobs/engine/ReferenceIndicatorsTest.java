package org.citytwin.jobs.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.citytwin.jobs.engine.ReferenceIndicators.Expected;
import org.citytwin.jobs.engine.ReferenceIndicators.PointKey;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The independent reference of the engine test, proven on small feeds whose points are worked out
 * by hand from docs/indicator-semantics.md (max out-of-orderness 30 s, allowed lateness 5 min).
 */
class ReferenceIndicatorsTest {

    /** 2025-07-01T00:00:00Z, a multiple of every tick and window. */
    private static final long T0 = 1_751_328_000_000L;
    private static final long S = 1000;
    private static final long M = 60_000;
    private static final String STREET = "310101002";
    private static final String DISTRICT = "310101";
    private static final String OTHER_STREET = "310104003";
    private static final String OTHER_DISTRICT = "310104";
    private static final String CITY = "310000";

    private static EvaluationPlan plan;
    private static AssetRegistry registry;

    @BeforeAll
    static void compilePlan() {
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topology = CityTopology.load("shanghai");
        plan = EvaluationPlan.compile(CatalogLoader.load("shanghai"), types, topology);
        registry = new AssetRegistry(List.of(
                new Asset("air-1", "air_station", STREET, 31.2, 121.4, Map.of("station_class", "national", "elevation", 10.0)),
                new Asset("air-2", "air_station", STREET, 31.2, 121.4, Map.of("station_class", "roadside", "elevation", 12.0)),
                new Asset("air-3", "air_station", OTHER_STREET, 31.2, 121.5, Map.of("station_class", "national", "elevation", 5.0)),
                new Asset("gate-1", "metro_gate", STREET, 31.2, 121.4, Map.of("line", "1", "interchange", true))));
    }

    @Test
    void gaugeAverageOverTwoAssetsAppliesAnOutOfOrderReadingInEventTimeOrder() {
        // air-1's 40 arrives after its 50 but is older: applied first, so air-1 ends at 50.
        Expected e = compute(
                reading("a", "air-2", T0 + 20 * S, "aqi", 60),
                reading("b", "air-1", T0 + 40 * S, "aqi", 50),
                reading("c", "air-1", T0 + 10 * S, "aqi", 40));

        long tick = T0 + 5 * M;
        for (String area : List.of(STREET, DISTRICT, CITY)) {
            assertThat(point(e, "air_aqi_avg", area, tick)).isEqualTo(55.0);
            assertThat(point(e, "air_aqi_min", area, tick)).isEqualTo(50.0);
            assertThat(point(e, "air_aqi_max", area, tick)).isEqualTo(60.0);
            assertThat(point(e, "air_station_count", area, tick)).isEqualTo(2.0);
            assertThat(point(e, "air_stations_online_share", area, tick)).isEqualTo(100.0);
            // Both stations are within AQI 100: the formula over count and polluted count is 0.
            assertThat(point(e, "air_polluted_station_ratio", area, tick)).isEqualTo(0.0);
        }
        // Only air-2 is roadside.
        assertThat(e.points()).doesNotContainKey(new PointKey("air_roadside_no2_avg", STREET, tick));
        // Nothing was touched in the other district.
        assertThat(e.points()).doesNotContainKey(new PointKey("air_aqi_avg", OTHER_DISTRICT, tick));
        assertThat(e.accepted()).isEqualTo(3);
        assertThat(e.deadLetters()).isEmpty();
    }

    @Test
    void counterIncrementsRestartAfterAResetAndTheFirstReadingIsOnlyABaseline() {
        Expected e = compute(
                reading("a", "gate-1", T0 + 10 * S, "entries", 100),
                reading("b", "gate-1", T0 + 70 * S, "entries", 130),   // +30
                reading("c", "gate-1", T0 + 130 * S, "entries", 5),    // reset: +5
                reading("d", "gate-1", T0 + 190 * S, "entries", 25),   // +20
                reading("e", "gate-1", T0 + 310 * S, "entries", 26));  // +1, next window

        long end = T0 + 5 * M; // window [T0, T0 + 5m)
        for (String area : List.of(STREET, DISTRICT, CITY)) {
            assertThat(point(e, "metro_entries_total", area, end)).isEqualTo(55.0);
            assertThat(point(e, "metro_interchange_entries", area, end)).isEqualTo(55.0);
            assertThat(point(e, "metro_entries_total", area, end + 5 * M)).isEqualTo(1.0);
        }
        // Gates online counts gates by their in_service gauge, which these readings do not carry: 0 while gate-1 is online.
        assertThat(point(e, "metro_gates_online", STREET, T0 + M)).isEqualTo(0.0);
        // No exits were read: the exits windows of both window ends with entries read 0 where gate-1 is registered.
        for (String area : List.of(STREET, DISTRICT, CITY)) {
            assertThat(point(e, "metro_exits_total", area, end)).isEqualTo(0.0);
            assertThat(point(e, "metro_exits_total", area, end + 5 * M)).isEqualTo(0.0);
        }
        assertThat(e.points().keySet()).filteredOn(k -> k.id().equals("metro_exits_total")).hasSize(6);
    }

    @Test
    void aLateRecordIsDeadLetteredAndOneBehindTheWatermarkCountsFromJustAfterIt() {
        Expected e = compute(
                reading("a", "air-1", T0 + 10 * S, "aqi", 40),
                reading("b", "air-1", T0 + 400 * S, "aqi", 42),
                // W = floor((T0 + 400 s - 30 s - 1 ms) / 1 s) s = T0 + 369 s.
                // Behind the watermark, not late: effective at T0 + 369.001 s, so in the 10-min tick.
                reading("c", "air-3", T0 + 290 * S, "aqi", 90),
                // Late: T0 + 10 s <= W - 5 min = T0 + 69 s.
                reading("d", "air-3", T0 + 10 * S, "aqi", 500));

        assertThat(e.deadLetters()).isEqualTo(Map.of(RejectReason.LATE, 1L));
        assertThat(e.accepted()).isEqualTo(3);
        assertThat(point(e, "air_aqi_avg", CITY, T0 + 5 * M)).isEqualTo(40.0);
        assertThat(e.points()).doesNotContainKey(new PointKey("air_aqi_avg", OTHER_STREET, T0 + 5 * M));
        assertThat(point(e, "air_aqi_avg", CITY, T0 + 10 * M)).isEqualTo(66.0);
        assertThat(point(e, "air_aqi_avg", OTHER_DISTRICT, T0 + 10 * M)).isEqualTo(90.0);
        assertThat(point(e, "air_aqi_max", CITY, T0 + 10 * M)).isEqualTo(90.0);
        // A behind reading older than the asset's current one is ignored for that metric.
        // air-1's 42 at 300 s is applied once air-2's 400 s moves W to 369 s; its 99 at 200 s then comes too late.
        Expected older = compute(
                reading("a", "air-1", T0 + 10 * S, "aqi", 40),
                reading("b", "air-1", T0 + 300 * S, "aqi", 42),
                reading("x", "air-2", T0 + 400 * S, "aqi", 30),
                reading("c", "air-1", T0 + 200 * S, "aqi", 99));
        assertThat(older.accepted()).isEqualTo(4);
        assertThat(point(older, "air_aqi_max", CITY, T0 + 5 * M)).isEqualTo(42.0);
        assertThat(point(older, "air_aqi_max", CITY, T0 + 10 * M)).isEqualTo(42.0);
    }

    @Test
    void aDuplicateIsDeadLetteredAndCountedOnce() {
        String[] gate = {
            reading("a", "gate-1", T0 + 10 * S, "entries", 100),
            reading("b", "gate-1", T0 + 70 * S, "entries", 130),
        };
        Expected e = compute(gate[0], gate[1], gate[1],
                // Same content without an id: identical time and readings are the same identity.
                "{\"asset\":\"air-1\",\"ts\":" + (T0 + 20 * S) + ",\"readings\":{\"aqi\":7}}",
                "{\"asset\":\"air-1\",\"ts\":" + (T0 + 20 * S) + ",\"readings\":{\"aqi\":7}}",
                "{\"asset\":\"air-1\",\"ts\":" + (T0 + 20 * S) + ",\"readings\":{\"aqi\":8}}",
                "{\"asset\":\"air-1\",\"ts\":" + (T0 + 20 * S) + ",\"readings\":{\"aqi\":", // malformed
                reading("z", "ghost-9", T0 + 20 * S, "aqi", 1));

        assertThat(e.deadLetters()).isEqualTo(Map.of(RejectReason.DUPLICATE, 2L,
                RejectReason.MALFORMED_JSON, 1L, RejectReason.UNKNOWN_ASSET, 1L));
        assertThat(e.accepted()).isEqualTo(4);
        assertThat(point(e, "metro_entries_total", CITY, T0 + 5 * M)).isEqualTo(30.0);
        // The two distinct air-1 readings at the same time apply in arrival order: 8 wins.
        assertThat(point(e, "air_aqi_avg", CITY, T0 + 5 * M)).isEqualTo(8.0);
    }

    @Test
    void anAssetGoesOfflineAtLastSeenPlusSilenceAndThatWritesItsGauges() {
        // air-1 last seen at T0 + 10 s (silence 30 min) goes offline at T0 + 30 min 10 s (tick T0 + 35 min);
        // air-2 keeps reporting until T0 + 36 min and goes offline at T0 + 66 min (tick T0 + 70 min).
        List<String> feed = new ArrayList<>();
        feed.add(reading("a", "air-1", T0 + 10 * S, "aqi", 40));
        for (int i = 0; i <= 12; i++) {
            feed.add(reading("b" + i, "air-2", T0 + i * 3 * M, "aqi", 60));
        }
        Expected e = compute(feed.toArray(String[]::new));

        assertThat(point(e, "air_stations_online_share", STREET, T0 + 30 * M)).isEqualTo(100.0);
        // The online share keeps offline stations (offline: keep): both counted, one online.
        assertThat(point(e, "air_stations_online_share", STREET, T0 + 35 * M)).isEqualTo(50.0);
        // Other gauges count online assets only: air-1's 40 leaves the average.
        assertThat(point(e, "air_aqi_avg", STREET, T0 + 35 * M)).isEqualTo(60.0);
        assertThat(point(e, "air_station_count", STREET, T0 + 35 * M)).isEqualTo(1.0);
        assertThat(point(e, "air_stations_online_share", CITY, T0 + 40 * M)).isEqualTo(50.0);
        // End of the feed: air-2 goes offline too, at T0 + 66 min: the 70-min tick is written.
        assertThat(point(e, "air_stations_online_share", CITY, T0 + 70 * M)).isEqualTo(0.0);
        assertThat(point(e, "air_station_count", CITY, T0 + 70 * M)).isEqualTo(0.0);
        assertThat(e.points()).doesNotContainKey(new PointKey("air_aqi_avg", CITY, T0 + 70 * M));
        assertThat(e.points()).doesNotContainKey(new PointKey("air_aqi_avg", CITY, T0 + 45 * M));
        assertThat(e.points()).doesNotContainKey(new PointKey("air_aqi_avg", CITY, T0 + 75 * M));
    }

    private static Expected compute(String... records) {
        List<byte[]> bytes = new ArrayList<>();
        for (String r : records) {
            bytes.add(r.getBytes(StandardCharsets.UTF_8));
        }
        return ReferenceIndicators.compute(plan, registry, Duration.ofSeconds(30), Duration.ofMinutes(5), bytes);
    }

    private static Double point(Expected e, String id, String area, long time) {
        PointKey key = new PointKey(id, area, time);
        assertThat(e.points()).as("point %s", key).containsKey(key);
        return e.points().get(key);
    }

    private static String reading(String id, String asset, long time, String metric, double value) {
        return "{\"id\":\"" + id + "\",\"asset\":\"" + asset + "\",\"ts\":" + time + ",\"readings\":{\"" + metric
                + "\":" + value + "}}";
    }
}
