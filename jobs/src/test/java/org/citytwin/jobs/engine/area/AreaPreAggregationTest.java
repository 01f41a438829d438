package org.citytwin.jobs.engine.area;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.twin.Contribution;
import org.citytwin.jobs.engine.twin.GaugeChanges;
import org.citytwin.jobs.engine.twin.WindowItems;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first aggregation phase on its own: one partial per area and bucket, sent when due, before a barrier and at the end. */
class AreaPreAggregationTest {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z, a multiple of every period

    /** Fire alarm panels in the first street and in a street of another district. */
    private static final AssetRegistry REGISTRY = new AssetRegistry(List.of(
            new Asset("panel-1", "fire_alarm_panel", PLAN.topology().streets().get(0).code(), 31.2, 121.4, java.util.Map.of()),
            new Asset("panel-2", "fire_alarm_panel", otherDistrictStreet().code(), 31.3, 121.5, java.util.Map.of())));

    private OneInputStreamOperatorTestHarness<Contribution, GaugePartial> harness;
    private String street;
    private List<Area> levels;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new AreaPreAggregation(PLAN, RegistryRef.of(REGISTRY), 5 * MINUTE));
        harness.setup(AreaStateSerializers.GaugePartials.INSTANCE);
        harness.open();
        street = PLAN.topology().streets().get(0).code();
        levels = PLAN.topology().ancestorsAndSelf(street);
    }

    private static Area otherDistrictStreet() {
        String district = PLAN.topology().parent(PLAN.topology().streets().get(0).code()).code();
        return PLAN.topology().streets().stream()
                .filter(s -> !PLAN.topology().parent(s.code()).code().equals(district)).findFirst().orElseThrow();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static final PlanIndex INDEX = new PlanIndex(PLAN);

    private static int group(String id) {
        return INDEX.groupOf(PLAN.slotOf(id));
    }

    private void aqi(long time, long oldValue, long newValue, int flags) throws Exception {
        harness.processElement(new StreamRecord<>(new GaugeChanges(street, time, new int[] {group("air_aqi_avg")},
                new long[] {oldValue}, new long[] {newValue}, new byte[] {(byte) flags})));
    }

    private void fireAlarm(long time) throws Exception {
        harness.processElement(new StreamRecord<>(new WindowItems(street, time,
                new int[] {group("fire_alarms_confirmed")}, new long[] {0}, new String[] {null})));
    }

    /** The confirmed fire alarms in a window partial. */
    private static long alarms(WindowPartial p) {
        int at = java.util.Arrays.binarySearch(p.groups, group("fire_alarms_confirmed"));
        assertThat(at).as("the alarm group in %s", p.area).isNotNegative();
        return p.items[at].count;
    }

    private List<GaugePartial> gaugePartials() {
        List<GaugePartial> out = new ArrayList<>(harness.extractOutputValues());
        harness.getOutput().clear();
        return out;
    }

    private List<WindowPartial> windowPartials() {
        List<WindowPartial> out = new ArrayList<>();
        var records = harness.getSideOutput(AreaPreAggregation.WINDOWS);
        if (records != null) {
            records.forEach(r -> out.add(r.getValue()));
            records.clear();
        }
        return out;
    }

    @Test
    void changesOfOneTickBecomeOnePartialPerLevelSentWhenTheWatermarkPassesTheTick() throws Exception {
        // The gauge's own tick (5 min), not the plan's base tick (1 min): the area reads it only then.
        long tick = T0 + PLAN.slot(PLAN.slotOf("air_aqi_avg")).periodMs();
        assertThat(tick - T0).isGreaterThan(INDEX.baseTickMs());
        int in = GaugeChanges.NEW_INCLUDED;
        int replace = GaugeChanges.OLD_INCLUDED | GaugeChanges.NEW_INCLUDED;
        aqi(T0 + 10_000, 0, 63, in);
        aqi(T0 + 20_000, 0, 40, in);
        aqi(T0 + 30_000, 63, 90, replace);
        aqi(T0 + INDEX.baseTickMs() + 30_000, 40, 45, replace); // a later base tick of the same tick
        aqi(tick + 1, 90, 80, replace); // the next tick
        harness.processWatermark(tick - 1);
        assertThat(gaugePartials()).isEmpty();

        harness.processWatermark(tick);
        Object[] output = harness.getOutput().toArray();
        assertThat(output[output.length - 1]).as("the watermark follows the partials").isEqualTo(new Watermark(tick));
        List<GaugePartial> sent = gaugePartials();
        assertThat(sent).extracting(p -> p.area).containsExactlyInAnyOrderElementsOf(
                levels.stream().map(Area::code).toList());
        for (GaugePartial partial : sent) {
            assertThat(partial.tick).isEqualTo(tick);
            assertThat(partial.groups).containsExactly(group("air_aqi_avg"));
            // 63 in, 40 in, 63 out and 90 in, 40 out and 45 in: two assets, sum 135
            assertThat(partial.changes[0].sum).isEqualTo(135);
            assertThat(partial.changes[0].included).isEqualTo(2);
            assertThat(partial.changes[0].touched).isTrue();
        }
    }

    @Test
    void aStreetsChangesGoToItselfItsDistrictAndTheCityOnlyWhereTheIndicatorIsComputed() throws Exception {
        Area a = PLAN.topology().streets().get(0);
        Area district = PLAN.topology().parent(a.code());
        Area b = PLAN.topology().streets().stream().filter(s -> !s.code().equals(a.code())
                && PLAN.topology().parent(s.code()).code().equals(district.code())).findFirst().orElseThrow();
        Area c = otherDistrictStreet();
        Area otherDistrict = PLAN.topology().parent(c.code());
        String city = levels.get(levels.size() - 1).code();
        int aqi = group("air_aqi_avg"); // city, district and street
        int er = group("er_waiting_total"); // city and district only
        long tick = T0 + 5 * MINUTE;
        assertThat(INDEX.groupSource(aqi).periodMs()).isEqualTo(5 * MINUTE);
        assertThat(INDEX.groupSource(er).periodMs()).isEqualTo(5 * MINUTE);
        long[][] changes = {{0, aqi, 60}, {0, er, 10}, {1, aqi, 40}, {1, er, 5}, {2, aqi, 70}, {2, er, 7}, {0, aqi, 20}};
        Area[] streets = {a, b, c};
        for (long[] change : changes) {
            harness.processElement(new StreamRecord<>(new GaugeChanges(streets[(int) change[0]].code(), T0 + MINUTE,
                    new int[] {(int) change[1]}, new long[] {0}, new long[] {change[2]},
                    new byte[] {GaugeChanges.NEW_INCLUDED})));
        }
        harness.processWatermark(tick);
        java.util.Map<String, String> sums = new java.util.TreeMap<>();
        for (GaugePartial partial : gaugePartials()) {
            assertThat(partial.tick).isEqualTo(tick);
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < partial.groups.length; k++) {
                text.append(partial.groups[k] == aqi ? "aqi=" : "er=").append(partial.changes[k].sum)
                        .append('/').append(partial.changes[k].included).append(' ');
            }
            sums.put(partial.area, text.toString().trim());
        }
        java.util.Map<String, String> expected = new java.util.TreeMap<>();
        boolean aqiFirst = aqi < er; // groups ascending in a partial
        expected.put(a.code(), "aqi=80/2");
        expected.put(b.code(), "aqi=40/1");
        expected.put(c.code(), "aqi=70/1");
        expected.put(district.code(), aqiFirst ? "aqi=120/3 er=15/2" : "er=15/2 aqi=120/3");
        expected.put(otherDistrict.code(), aqiFirst ? "aqi=70/1 er=7/1" : "er=7/1 aqi=70/1");
        expected.put(city, aqiFirst ? "aqi=190/4 er=22/3" : "er=22/3 aqi=190/4");
        assertThat(sums).isEqualTo(expected);
    }

    @Test
    void windowItemsAreSentPerWindowEndWhenItsLastMillisecondPassesAndLateOnesAtOnce() throws Exception {
        fireAlarm(T0 + 2 * MINUTE);
        fireAlarm(T0 + 40 * MINUTE);
        harness.processWatermark(T0 + 60 * MINUTE - 2);
        assertThat(windowPartials()).isEmpty();
        harness.processWatermark(T0 + 60 * MINUTE - 1);
        List<WindowPartial> sent = windowPartials().stream().filter(p -> levels.stream().anyMatch(
                a -> a.code().equals(p.area))).toList();
        assertThat(sent).hasSize(levels.size());
        assertThat(sent).allSatisfy(p -> {
            assertThat(p.end).isEqualTo(T0 + 60 * MINUTE);
            assertThat(alarms(p)).isEqualTo(2);
        });

        fireAlarm(T0 + 50 * MINUTE); // behind the watermark: its window was written, the correction goes on now
        assertThat(windowPartials()).as("the window end was filled with zeros once already")
                .hasSize(levels.size()).allSatisfy(p -> assertThat(alarms(p)).isEqualTo(1));
    }

    @Test
    void aWindowEndWithItemsIsSentAsEmptyWindowsWhereverTheSourceAssetsAreRegistered() throws Exception {
        fireAlarm(T0 + 2 * MINUTE);
        harness.processWatermark(T0 + 60 * MINUTE - 1);
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (WindowPartial p : windowPartials()) {
            assertThat(p.end).isEqualTo(T0 + 60 * MINUTE);
            counts.put(p.area, alarms(p));
        }
        Area other = otherDistrictStreet();
        java.util.Map<String, Long> expected = new java.util.TreeMap<>();
        for (Area a : levels) {
            expected.put(a.code(), 1L); // the city, the first street's district and the street: the alarm
        }
        expected.put(other.code(), 0L); // the other panel's street and district: registered, nothing happened
        expected.put(PLAN.topology().parent(other.code()).code(), 0L);
        assertThat(counts).isEqualTo(expected);

        harness.processWatermark(T0 + 120 * MINUTE - 1);
        assertThat(windowPartials()).as("no items in the next hour: nothing to fill").isEmpty();
    }

    @Test
    void everythingWaitingIsSentBeforeACheckpointBarrier() throws Exception {
        aqi(T0 + MINUTE, 0, 63, GaugeChanges.NEW_INCLUDED);
        fireAlarm(T0 + MINUTE);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(gaugePartials()).hasSize(levels.size());
        assertThat(windowPartials()).as("the alarm's areas and, empty, the other panel's street and district")
                .hasSize(levels.size() + 2);
        harness.processWatermark(T0 + 120 * MINUTE);
        assertThat(gaugePartials()).as("nothing left but the watermark").isEmpty();
        assertThat(windowPartials()).isEmpty();
    }
}
