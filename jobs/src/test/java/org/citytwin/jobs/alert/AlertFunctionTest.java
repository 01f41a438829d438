package org.citytwin.jobs.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.model.alert.AlertCondition;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator on its own: air_aqi_avg (warning 150, critical 200, clear 140, for 30 min; a gauge
 * of air stations, whose silence timeout is 30 min, ticking every 5 min, so 35 min without a point
 * is no data) in Huangpu, points every 5 minutes; exact transitions, corrections, no-data, and
 * state and timers gone after the alert resolved (but for the gauge's no-data watch).
 */
class AlertFunctionTest {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final long LATENESS = 5 * MINUTE;
    private static final String HUANGPU = "310101";

    private KeyedOneInputStreamOperatorTestHarness<String, IndicatorPoint, AlertEvent> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new AlertFunction(PLAN, LATENESS, 4, 20 * MINUTE), AlertFunction::key, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void aqi(long minute, double value) throws Exception {
        long t = T0 + minute * MINUTE;
        harness.processElement(new StreamRecord<>(
                new IndicatorPoint("air_aqi_avg", "air_quality", HUANGPU, "district", "live", t, value), t));
    }

    /** "minute kind severity value threshold" per emitted event; clears the output. */
    private List<String> events() {
        List<String> out = harness.extractOutputValues().stream()
                .map(e -> (e.transition().time() - T0) / MINUTE + " " + e.transition().kind().label() + " "
                        + e.transition().severity().label() + " " + e.transition().value() + " "
                        + e.transition().threshold()
                        + (e.transition().condition() == AlertCondition.THRESHOLD ? "" : " " + e.transition().condition().label()))
                .toList();
        harness.getOutput().clear();
        return out;
    }

    @Test
    void anIncidentFiresAfterForResolvesAtClearAndLeavesNoStateOrTimers() throws Exception {
        aqi(0, 120);
        aqi(5, 160);
        harness.processWatermark(T0 + 10 * MINUTE);
        assertThat(events()).containsExactly("5 pending warning 160.0 150.0");
        for (long m = 10; m <= 35; m += 5) {
            aqi(m, 170);
        }
        assertThat(events()).containsExactly("35 firing warning 170.0 150.0");
        aqi(40, 210); // critical: the warning alert resolves and a critical one fires
        aqi(45, 145); // between clear and warning: back to warning, still firing
        aqi(50, 140); // at clear: resolved
        assertThat(events()).containsExactly("40 resolved warning 210.0 140.0", "40 firing critical 210.0 200.0",
                "45 resolved critical 145.0 140.0", "45 firing warning 145.0 150.0", "50 resolved warning 140.0 140.0");
        // the rule's own changes (fired at 35, resolved at 50) leave the 20-minute flapping window at 70
        for (long m = 55; m <= 70; m += 5) {
            aqi(m, 100);
        }
        harness.processWatermark(T0 + 70 * MINUTE + LATENESS);
        assertThat(events()).isEmpty();
        // the threshold state is gone; left is the gauge's no-data watch: its value and its one armed deadline (70 + 35)
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    }

    @Test
    void aGaugeWithoutPointsWhileTheWatermarkAdvancesRaisesNoDataOnceAndItsNextPointResolvesIt() throws Exception {
        aqi(0, 100);
        aqi(5, 100);
        harness.processWatermark(T0 + 39 * MINUTE); // the deadline is 5 + 35 = 40
        assertThat(events()).isEmpty();
        harness.processWatermark(T0 + 40 * MINUTE);
        assertThat(events()).containsExactly("40 firing warning 2100.0 2100.0 no_data");
        assertThat(harness.numEventTimeTimers()).as("firing: only a point can change it").isZero();
        harness.processWatermark(T0 + 300 * MINUTE);
        assertThat(events()).isEmpty();
        aqi(305, 120);
        assertThat(events()).containsExactly("305 resolved warning 18000.0 2100.0 no_data");
        assertThat(harness.numEventTimeTimers()).as("the settle timer and the new deadline").isEqualTo(2);
    }

    @Test
    void aStoppedFeedOrTheEndOfABoundedFeedRaisesNoNoData() throws Exception {
        aqi(0, 100);
        harness.processWatermark(T0 + 10 * MINUTE);
        // the feed stops: no record, so no watermark, however long it lasts in wall-clock time
        assertThat(events()).isEmpty();
        harness.processWatermark(Long.MAX_VALUE); // the end of a bounded feed
        assertThat(events()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("the watch's last point only").isEqualTo(1);
    }

    @Test
    void windowIndicatorsHaveNoNoDataWatchAndLeaveNoStateOrTimers() throws Exception {
        long t = T0;
        harness.processElement(new StreamRecord<>(
                new IndicatorPoint("elev_entrapments", "elevator", HUANGPU, "district", "live", t, 0), t));
        harness.processWatermark(T0 + 600 * MINUTE);
        assertThat(events()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aCorrectedPointReEvaluatesAndAnnouncesOnlyTheDifference() throws Exception {
        for (long m = 0; m <= 30; m += 5) {
            aqi(m, 160);
        }
        assertThat(events()).containsExactly("0 pending warning 160.0 150.0", "30 firing warning 160.0 150.0");
        aqi(30, 100); // the engine corrected minute 30's value after late data
        assertThat(events()).containsExactly("30 resolved warning 100.0 140.0");
        aqi(30, 165); // and corrected it again
        assertThat(events()).containsExactly("30 firing warning 165.0 150.0");
        aqi(25, 130); // an earlier tick corrected: the pending run is broken at 25, so 30 does not fire
        assertThat(events()).containsExactly("30 resolved warning 165.0 140.0");
    }

    @Test
    void pointsSettleWhenTheWatermarkPassesTheirLatenessAndCanNoLongerChange() throws Exception {
        for (long m = 0; m <= 30; m += 5) {
            aqi(m, 160);
        }
        events();
        harness.processWatermark(T0 + 30 * MINUTE + LATENESS);
        aqi(30, 100); // too late: settled
        assertThat(events()).isEmpty();
        assertThat(harness.numEventTimeTimers()).as("only the no-data deadline, 30 + 35").isEqualTo(1);
    }

    @Test
    void theAlertStateIsAFlinkPojoSoRocksDbStoresItWithoutKryo() {
        assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(org.citytwin.model.alert.AlertState.class))
                .isInstanceOf(org.apache.flink.api.java.typeutils.PojoTypeInfo.class);
    }

    @Test
    void eachAreaAndRunIsItsOwnAlert() throws Exception {
        long t = T0;
        harness.processElement(new StreamRecord<>(
                new IndicatorPoint("elev_entrapments", "elevator", HUANGPU, "district", "live", t, 3), t));
        harness.processElement(new StreamRecord<>(
                new IndicatorPoint("elev_entrapments", "elevator", HUANGPU, "district", "drill-7", t, 3), t));
        harness.processElement(new StreamRecord<>(
                new IndicatorPoint("elev_entrapments", "elevator", "310104", "district", "live", t, 0), t));
        assertThat(harness.extractOutputValues()).extracting(e -> e.run() + " " + e.area() + " " + e.transition().kind())
                .containsExactly("live 310101 FIRING", "drill-7 310101 FIRING");
    }
}
