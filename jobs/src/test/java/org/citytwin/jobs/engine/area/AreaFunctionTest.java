package org.citytwin.jobs.engine.area;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.engine.twin.GaugeChanges;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The area accumulators on their own: exact gauges per tick, windows corrected in place, state cleaned up. */
class AreaFunctionTest {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z, a multiple of every period
    private static final long LATENESS = 5 * MINUTE;
    private static final String HUANGPU = "310101";

    private KeyedTwoInputStreamOperatorTestHarness<String, GaugePartial, WindowPartial, IndicatorPoint> harness;

    @BeforeEach
    void open() throws Exception {
        harness = harness(null);
    }

    /** The operator as the job runs it (its heap state written before each barrier), restored from {@code checkpoint}. */
    private static KeyedTwoInputStreamOperatorTestHarness<String, GaugePartial, WindowPartial, IndicatorPoint> harness(
            OperatorSubtaskState checkpoint) throws Exception {
        return harness(checkpoint, null);
    }

    /** On the harness's heap state backend unless {@code backend} is given. */
    private static KeyedTwoInputStreamOperatorTestHarness<String, GaugePartial, WindowPartial, IndicatorPoint> harness(
            OperatorSubtaskState checkpoint, StateBackend backend) throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, GaugePartial, WindowPartial, IndicatorPoint> h =
                new KeyedTwoInputStreamOperatorTestHarness<>(new AreaOperator(new AreaFunction(PLAN, LATENESS, "live", null)),
                        p -> p.area, p -> p.area, Types.STRING);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        if (checkpoint != null) {
            h.initializeState(checkpoint);
        }
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static final PlanIndex INDEX = new PlanIndex(PLAN);

    private static int slot(String id) {
        return PLAN.slotOf(id);
    }

    private static int group(String id) {
        return INDEX.groupOf(slot(id));
    }

    /** One asset's gauge change, as the pre-aggregation sends it (a partial of one change). */
    private void gauge(long time, String id, long oldValue, long newValue, int flags) throws Exception {
        GaugeAccumulator change = new GaugeAccumulator();
        change.change(oldValue, newValue, (byte) flags, INDEX.keepsValues(group(id)));
        harness.processElement1(new StreamRecord<>(new GaugePartial(HUANGPU, PlanIndex.tickEnd(time, 5 * MINUTE),
                new int[] {group(id)}, new GaugeAccumulator[] {change}), time));
    }

    private void item(long time, String id, long value) throws Exception {
        WindowAccumulator items = new WindowAccumulator();
        items.add(value, null, INDEX.keepsSketch(group(id)), PLAN.slot(slot(id)).resolution());
        harness.processElement2(new StreamRecord<>(new WindowPartial(HUANGPU,
                PlanIndex.windowEnd(time, PLAN.slot(slot(id)).periodMs()), new int[] {group(id)},
                new WindowAccumulator[] {items.seal()}), time));
    }

    private List<IndicatorPoint> points() {
        List<IndicatorPoint> out = harness.extractOutputValues();
        harness.getOutput().clear();
        return out;
    }

    private static IndicatorPoint point(String id, String category, long time, double value) {
        return new IndicatorPoint(id, category, HUANGPU, "district", "live", time, value);
    }

    private static IndicatorPoint[] aqi(long time, double avg, int count, double min, double max) {
        return new IndicatorPoint[] {point("air_aqi_avg", "air_quality", time, avg),
                point("air_station_count", "air_quality", time, count), point("air_aqi_min", "air_quality", time, min),
                point("air_aqi_max", "air_quality", time, max)};
    }

    @Test
    void gaugeIsWrittenAtItsTickFromExactlyTheChangesUpToIt() throws Exception {
        int in = GaugeChanges.NEW_INCLUDED;
        int replace = GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED;
        gauge(T0 + MINUTE, "air_aqi_avg", 0, 63, in);          // station A reads 63
        gauge(T0 + 3 * MINUTE, "air_aqi_avg", 0, 40, in);      // station B reads 40
        gauge(T0 + 6 * MINUTE, "air_aqi_avg", 63, 90, replace); // A reads 90, in the next tick

        // The average, count, minimum and maximum of the AQI share one accumulator group.
        harness.processBothWatermarks(new Watermark(T0 + 5 * MINUTE));
        assertThat(points()).containsExactlyInAnyOrder(aqi(T0 + 5 * MINUTE, (63 + 40) / 2.0, 2, 40, 63));

        harness.processBothWatermarks(new Watermark(T0 + 10 * MINUTE));
        assertThat(points()).containsExactlyInAnyOrder(aqi(T0 + 10 * MINUTE, (90 + 40) / 2.0, 2, 40, 90));

        harness.processBothWatermarks(new Watermark(T0 + 60 * MINUTE));
        assertThat(points()).as("no change, no point").isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("on the heap until a checkpoint").isZero();
        harness.prepareSnapshotPreBarrier(1);
        // Only the gauge's running state is kept: no pending changes, due ticks or written values.
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }

    @Test
    void lateItemRewritesItsWindowWithTheSameTimestampAndWindowStateIsDroppedAfterTheLateness() throws Exception {
        item(T0 + 2 * MINUTE, "fire_alarms_confirmed", 0);
        harness.processBothWatermarks(new Watermark(T0 + 60 * MINUTE));
        assertThat(points()).containsExactly(point("fire_alarms_confirmed", "fire", T0 + 60 * MINUTE, 1));

        item(T0 + 30 * MINUTE, "fire_alarms_confirmed", 0); // behind the watermark, within the lateness
        assertThat(points()).containsExactly(point("fire_alarms_confirmed", "fire", T0 + 60 * MINUTE, 2));

        harness.processBothWatermarks(new Watermark(T0 + 60 * MINUTE + LATENESS));
        assertThat(points()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.prepareSnapshotPreBarrier(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void aLateItemArrivingAfterARestoreBeforeTheFirstWatermarkStillCorrectsItsWrittenWindow() throws Exception {
        item(T0 + 2 * MINUTE, "fire_alarms_confirmed", 0);
        harness.processBothWatermarks(new Watermark(T0 + 60 * MINUTE));
        assertThat(points()).containsExactly(point("fire_alarms_confirmed", "fire", T0 + 60 * MINUTE, 1));
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        // Restored (a TaskManager was lost): the operator's watermark starts again from nothing, and
        // the replayed feed brings the late item before the first watermark.
        harness = harness(checkpoint);
        item(T0 + 30 * MINUTE, "fire_alarms_confirmed", 0);
        harness.processBothWatermarks(new Watermark(T0 + 61 * MINUTE));
        assertThat(points()).as("the window, corrected once the watermark is back")
                .containsExactly(point("fire_alarms_confirmed", "fire", T0 + 60 * MINUTE, 2));

        harness.processBothWatermarks(new Watermark(T0 + 60 * MINUTE + LATENESS));
        assertThat(points()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isZero();
        harness.prepareSnapshotPreBarrier(2);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void gaugesRestoredFromACheckpointContinueAsAnUninterruptedRunDoes() throws Exception {
        harness.close();
        harness = harness(null, new EmbeddedRocksDBStateBackend()); // as `twin run`: the heap keeps its state
        int in = GaugeChanges.NEW_INCLUDED;
        int replace = GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED;
        gauge(T0 + MINUTE, "air_aqi_avg", 0, 63, in);
        gauge(T0 + 3 * MINUTE, "air_aqi_avg", 0, 40, in);
        harness.processBothWatermarks(new Watermark(T0 + 5 * MINUTE));
        assertThat(points()).containsExactlyInAnyOrder(aqi(T0 + 5 * MINUTE, (63 + 40) / 2.0, 2, 40, 63));
        gauge(T0 + 6 * MINUTE, "air_aqi_avg", 63, 90, replace); // waiting for its tick at the checkpoint
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        harness.close();

        harness = harness(checkpoint, new EmbeddedRocksDBStateBackend());
        gauge(T0 + 7 * MINUTE, "air_aqi_avg", 40, 30, replace);
        harness.processBothWatermarks(new Watermark(T0 + 10 * MINUTE));
        assertThat(points()).as("the accumulator and the waiting change came back")
                .containsExactlyInAnyOrder(aqi(T0 + 10 * MINUTE, (90 + 30) / 2.0, 2, 30, 90));
    }

    @Test
    void pastTheHeapBoundTheStateIsWrittenAtAWatermarkWithoutACheckpoint() throws Exception {
        harness.close();
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new AreaOperator(new AreaFunction(PLAN, LATENESS, "live",
                null)).withMaxEntriesOnHeap(1), p -> p.area, p -> p.area, Types.STRING);
        harness.open();
        gauge(T0 + MINUTE, "air_aqi_avg", 0, 63, GaugeChanges.NEW_INCLUDED);
        gauge(T0 + 3 * MINUTE, "air_aqi_avg", 0, 40, GaugeChanges.NEW_INCLUDED);
        assertThat(harness.numKeyedStateEntries()).as("on the heap until the watermark").isZero();
        harness.processBothWatermarks(new Watermark(T0 + 4 * MINUTE));
        assertThat(harness.numKeyedStateEntries()).as("the list of the two waiting partials, written early").isEqualTo(1);
        harness.processBothWatermarks(new Watermark(T0 + 5 * MINUTE));
        assertThat(points()).containsExactlyInAnyOrder(aqi(T0 + 5 * MINUTE, (63 + 40) / 2.0, 2, 40, 63));
        assertThat(harness.numKeyedStateEntries())
                .as("then the accumulator and the values written at 5:00 (kept for the lateness)").isEqualTo(2);
    }

    @Test
    void anExtremeIsExactWhenAnAssetsRemovalArrivesBeforeItsInsert() throws Exception {
        // Partials from two subtasks in the same tick: station B moved from 70 to 50 (its removal
        // of 70) reaches the area before the partial that inserted 70 (B's earlier reading).
        int in = GaugeChanges.NEW_INCLUDED;
        int replace = GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED;
        gauge(T0 + 2 * MINUTE, "air_aqi_max", 70, 50, replace);
        gauge(T0 + MINUTE, "air_aqi_max", 0, 70, in);
        gauge(T0 + MINUTE, "air_aqi_max", 0, 45, in);
        harness.processBothWatermarks(new Watermark(T0 + 5 * MINUTE));
        assertThat(points()).containsExactlyInAnyOrder(aqi(T0 + 5 * MINUTE, (50 + 45) / 2.0, 2, 45, 50));
    }
}
