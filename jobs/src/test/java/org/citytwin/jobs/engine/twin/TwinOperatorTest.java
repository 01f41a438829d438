package org.citytwin.jobs.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.event.Event;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The twin of one air station on its own: records held until the watermark and applied in
 * event-time order, duplicates and late records dead-lettered, offline after the silence, the
 * waiting records listed on the heap and turned into timers at a checkpoint, the twin written to
 * keyed state before the barrier, and nothing left once it has nothing to do.
 */
class TwinOperatorTest {

    private static final EvaluationPlan PLAN = EvaluationPlan.compile(CatalogLoader.load("shanghai"),
            AssetTypes.load("shanghai"), CityTopology.load("shanghai"));
    private static final PlanIndex INDEX = new PlanIndex(PLAN);
    private static final long MINUTE = 60_000;
    private static final long T0 = 1_751_328_000_000L; // 2025-07-01T00:00Z
    private static final long LATENESS = 5 * MINUTE;
    private static final long SILENCE = 30 * MINUTE; // air_station in asset-types.yaml
    private static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters",
            TypeInformation.of(DeadLetter.class));

    private KeyedOneInputStreamOperatorTestHarness<String, FeedRecord, Contribution> harness;
    private TwinOperator operator;
    private AssetRegistry registry;
    private String street;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        street = PLAN.topology().streets().get(0).code();
        registry = new AssetRegistry(List.of(new Asset("AQ-1", "air_station", street, 31.2, 121.5,
                Map.of("station_class", "roadside", "elevation", 12.0))));
        harness = harness(null);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, FeedRecord, Contribution> harness(
            OperatorSubtaskState restored) throws Exception {
        return harness(restored, null);
    }

    /** On the harness's heap state backend unless {@code backend} is given. */
    private KeyedOneInputStreamOperatorTestHarness<String, FeedRecord, Contribution> harness(
            OperatorSubtaskState restored, StateBackend backend) throws Exception {
        operator = new TwinOperator(PLAN, RegistryRef.of(registry), LATENESS, Duration.ofDays(30), DEAD_LETTERS, null,
                "live");
        KeyedOneInputStreamOperatorTestHarness<String, FeedRecord, Contribution> h =
                new KeyedOneInputStreamOperatorTestHarness<>(operator, r -> r.event().assetId(), Types.STRING);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void aqi(long time, double value) throws Exception {
        aqi(time, value, Long.MIN_VALUE);
    }

    /** A reading that met {@code partitionWatermark} in its partition. */
    private void aqi(long time, double value, long partitionWatermark) throws Exception {
        aqi(time, value, partitionWatermark, 0);
    }

    /** A reading read on feed partition {@code partition}, where it met {@code partitionWatermark}. */
    private void aqi(long time, double value, long partitionWatermark, int partition) throws Exception {
        Event event = new Event(null, "AQ-1", time, Map.of("aqi", value), null, Map.of());
        harness.processElement(new StreamRecord<>(new FeedRecord(event, null,
                ("{\"aqi\":" + value + "}").getBytes(StandardCharsets.UTF_8), "feed", partition, offset++,
                partitionWatermark), time));
    }

    /** The AQI group's change in the emitted contributions: {time, old, new, flags}. */
    private List<long[]> aqiChanges() {
        return aqiChangesIn(street);
    }

    /** The AQI group's change in the contributions emitted for {@code area}: {time, old, new, flags}. */
    private List<long[]> aqiChangesIn(String area) {
        return aqiChangesByStreet().getOrDefault(area, List.of());
    }

    /** The AQI group's changes in the contributions emitted, per street: {time, old, new, flags}. */
    private Map<String, List<long[]>> aqiChangesByStreet() {
        int group = INDEX.groupOf(PLAN.slotOf("air_aqi_avg"));
        Map<String, List<long[]>> changes = new java.util.HashMap<>();
        for (Contribution c : harness.extractOutputValues()) {
            if (!(c instanceof GaugeChanges g)) {
                continue;
            }
            for (int i = 0; i < g.groups().length; i++) {
                if (g.groups()[i] == group) {
                    changes.computeIfAbsent(g.street(), k -> new java.util.ArrayList<>())
                            .add(new long[] {g.time(), g.oldParts()[i], g.newParts()[i], g.flags()[i]});
                }
            }
        }
        harness.getOutput().clear();
        return changes;
    }

    /** Registers AQ-1 in {@code newStreet} from {@code validFrom}, and opens the operator again with that registry. */
    private void registerMoveAhead(String newStreet, long validFrom) throws Exception {
        registry.put(new Asset("AQ-1", "air_station", newStreet, 31.3, 121.6, registry.get("AQ-1").attributes()),
                validFrom);
        harness.close();
        harness = harness(null);
    }

    private List<String> deadLetterReasons() {
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> letters = harness.getSideOutput(DEAD_LETTERS);
        return letters == null ? List.of() : letters.stream().map(r -> r.getValue().reason()).toList();
    }

    @Test
    void recordsWaitForTheWatermarkAndApplyInEventTimeOrderListedOncePerAsset() throws Exception {
        aqi(T0 + 20_000, 60);
        aqi(T0 + 10_000, 50); // out of order, within the bound: listed again, earlier
        aqi(T0 + 15_000, 55); // between them: already covered by the listing at 10 s
        assertThat(aqiChanges()).isEmpty();
        assertThat(operator.waitingReleases()).as("at 20 s, then at 10 s").isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).as("offline until its first record is applied").isZero();

        harness.processWatermark(T0 + 30_000);
        // The AQI group has no condition: an included asset also matches.
        int in = GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES;
        int both = in | GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES;
        // Coming online (nothing read yet: no part), then 50 at its time, then 50 → 60 at its time.
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3]).containsExactly(
                (T0 + 10_000) + ":0→0/0", (T0 + 10_000) + ":0→50/" + in, (T0 + 15_000) + ":50→55/" + both,
                (T0 + 20_000) + ":55→60/" + both);
        assertThat(operator.waitingReleases()).as("only the silence check, listed like a release").isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).as("no Flink timer between checkpoints").isZero();
    }

    @Test
    void aRepeatIsDuplicateAndARecordBeyondTheLatenessIsLate() throws Exception {
        aqi(T0 + 10_000, 50);
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + 10 * MINUTE);
        long watermark = T0 + 10 * MINUTE; // the partition's and the operator's
        aqi(watermark - LATENESS, 70, watermark); // at the lateness horizon: LATE
        aqi(watermark - LATENESS + 1000, 70, watermark); // within it: applied at once, effective after the watermark
        assertThat(deadLetterReasons()).containsExactly("DUPLICATE", "LATE");
        List<long[]> changes = aqiChanges();
        assertThat(changes.get(changes.size() - 1)).containsExactly(T0 + 10 * MINUTE + 1, 50, 70,
                GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES | GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES);
    }

    @Test
    void aSilentAssetGoesOfflineAtLastSeenPlusSilenceAndLeavesNoTimer() throws Exception {
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        aqiChanges();
        harness.processWatermark(T0 + 10_000 + SILENCE - 1);
        assertThat(aqiChanges()).isEmpty();
        harness.processWatermark(T0 + 2 * SILENCE);
        assertThat(aqiChanges()).extracting(c -> c[0]).containsExactly(T0 + 10_000 + SILENCE);
        assertThat(operator.waitingReleases()).as("offline: no silence listed").isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).as("on the heap until a checkpoint").isZero();
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.numKeyedStateEntries()).as("the twin itself").isEqualTo(1);
    }

    @Test
    void aCheckpointWritesTheTwinsAndTurnsTheWaitingListIntoTimersThatReleaseAfterARestore() throws Exception {
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        aqiChanges();
        aqi(T0 + MINUTE + 30_000, 70);
        aqi(T0 + MINUTE + 20_000, 60);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(operator.waitingReleases()).isZero();
        assertThat(harness.numEventTimeTimers()).as("the silence timer, the releases listed at 1:30 and 1:20").isEqualTo(3);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(snapshot);
        harness.processWatermark(T0 + 2 * MINUTE);
        int both = GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES | GaugeChanges.NEW_INCLUDED
                | GaugeChanges.NEW_MATCHES;
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3]).containsExactly(
                (T0 + MINUTE + 20_000) + ":50→60/" + both, (T0 + MINUTE + 30_000) + ":60→70/" + both);
        aqi(T0 + MINUTE + 20_000, 60, T0 + 2 * MINUTE); // within the lateness: the restored identity knows it
        assertThat(deadLetterReasons()).containsExactly("DUPLICATE");
    }

    @Test
    void aTwinChangedInAnIntervalStaysOnTheHeapAtTheCheckpointAndOneUntouchedForAWholeIntervalLeavesIt()
            throws Exception {
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(operator.twinsOnHeap()).as("a heap backend holds the very object: the twin leaves").isZero();
        harness.close();

        harness = harness(null, new EmbeddedRocksDBStateBackend()); // stores a copy, as in `twin run`
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        aqiChanges();
        harness.prepareSnapshotPreBarrier(1);
        assertThat(operator.twinsOnHeap()).as("changed in the interval: written and kept").isEqualTo(1);
        harness.prepareSnapshotPreBarrier(2);
        assertThat(operator.twinsOnHeap()).as("untouched for a whole interval: only in keyed state").isZero();

        aqi(T0 + MINUTE + 10_000, 70); // read back from keyed state
        harness.processWatermark(T0 + 2 * MINUTE);
        int both = GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES | GaugeChanges.NEW_INCLUDED
                | GaugeChanges.NEW_MATCHES;
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3])
                .containsExactly((T0 + MINUTE + 10_000) + ":50→70/" + both);
        assertThat(operator.twinsOnHeap()).isEqualTo(1);
    }

    @Test
    void aTimerFromACheckpointThatListsTheAssetAgainBeforeTheWatermarkIsActedOnWithinThatWatermark()
            throws Exception {
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE); // applied; silence listed at 30:10
        aqi(T0 + 5 * MINUTE, 60);
        harness.prepareSnapshotPreBarrier(1); // the release at 5:00 and the silence at 30:10 become timers
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(snapshot);
        aqiChanges();
        harness.processWatermark(T0 + 2 * 60 * MINUTE); // one watermark past everything
        // 5:00 applies 60; the silence timer at 30:10 finds it heard from at 5:00 and lists 35:00,
        // which is before the watermark: offline at 35:00 before the watermark goes on.
        int both = GaugeChanges.OLD_INCLUDED | GaugeChanges.OLD_MATCHES | GaugeChanges.NEW_INCLUDED
                | GaugeChanges.NEW_MATCHES;
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3]).containsExactly(
                (T0 + 5 * MINUTE) + ":50→60/" + both, (T0 + 5 * MINUTE + SILENCE) + ":60→60/" + (both >> 2));
        assertThat(operator.waitingReleases()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void anAssetMovedInTheRegistryTakesExactlyItsPartFromTheOldStreetToTheNewOne() throws Exception {
        int member = GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES;
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        aqiChanges();
        String newStreet = PLAN.topology().streets().get(1).code();
        registry.put(new Asset("AQ-1", "air_station", newStreet, 31.3, 121.6, Map.of("station_class", "roadside",
                "elevation", 12.0)));

        aqi(T0 + 2 * MINUTE, 80);
        harness.processWatermark(T0 + 3 * MINUTE);
        Map<String, List<long[]>> byStreet = aqiChangesByStreet();
        List<long[]> oldStreet = byStreet.getOrDefault(street, List.of());
        List<long[]> movedTo = byStreet.getOrDefault(newStreet, List.of());
        // The old street loses the 50 it was given; the new one gets 50 at once, then 50 → 80.
        assertThat(oldStreet).extracting(c -> c[1] + "→" + c[2] + "/" + c[3])
                .containsExactly("50→0/" + (member >> 2));
        assertThat(movedTo).extracting(c -> c[1] + "→" + c[2] + "/" + c[3])
                .containsExactly("0→50/" + member, "50→80/" + (member | member >> 2));
    }

    @Test
    void aMoveRegisteredAheadTakesEffectAtItsValidFromWithoutARecordAndThroughARestore() throws Exception {
        int member = GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES;
        String newStreet = PLAN.topology().streets().get(1).code();
        long validFrom = T0 + 90_500;
        registerMoveAhead(newStreet, validFrom);
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[2]).as("online, then the reading")
                .containsExactly((T0 + 10_000) + ":0", (T0 + 10_000) + ":50");
        harness.prepareSnapshotPreBarrier(1); // the listing at 1:31 becomes a timer
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = harness(snapshot);
        harness.processWatermark(T0 + 2 * MINUTE); // no record of the asset since 0:10
        Map<String, List<long[]>> byStreet = aqiChangesByStreet();
        List<long[]> oldStreet = byStreet.getOrDefault(street, List.of());
        assertThat(oldStreet).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3])
                .containsExactly(validFrom + ":50→0/" + (member >> 2));
        assertThat(byStreet.getOrDefault(newStreet, List.of())).extracting(c -> c[0] + ":" + c[1] + "→" + c[2] + "/" + c[3])
                .containsExactly(validFrom + ":0→50/" + member);
        assertThat(harness.numEventTimeTimers()).as("nothing listed after the last entry").isOne(); // the silence
    }

    @Test
    void anEntryRegisteredWhileTheAssetIsIdleTakesEffectAtItsValidFrom() throws Exception {
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        aqiChanges();
        String newStreet = PLAN.topology().streets().get(1).code();
        long validFrom = T0 + 3 * MINUTE + 250;
        registry.put(new Asset("AQ-1", "air_station", newStreet, 31.3, 121.6, Map.of("station_class", "roadside",
                "elevation", 12.0)), validFrom); // as a registry topic delivers it, with no record of the asset after
        harness.processWatermark(T0 + 2 * MINUTE);
        assertThat(harness.extractOutputValues()).as("nothing before its time").isEmpty();
        harness.processWatermark(T0 + 5 * MINUTE);
        Map<String, List<long[]>> byStreet = aqiChangesByStreet();
        List<long[]> oldStreet = byStreet.getOrDefault(street, List.of());
        assertThat(oldStreet).extracting(c -> c[0] + ":" + c[1] + "→" + c[2]).containsExactly(validFrom + ":50→0");
        assertThat(byStreet.getOrDefault(newStreet, List.of())).extracting(c -> c[0] + ":" + c[1] + "→" + c[2])
                .containsExactly(validFrom + ":0→50");
    }

    @Test
    void aMoveAndBackFollowedAheadByThePartitionsWatermarkIsNeverFollowedBackwards() throws Exception {
        String newStreet = PLAN.topology().streets().get(1).code();
        Asset home = registry.get("AQ-1");
        long away = T0 + 90_500;
        long back = T0 + 150_250;
        registry.put(new Asset("AQ-1", "air_station", newStreet, 31.3, 121.6, home.attributes()), away);
        registry.put(home, back); // the very entry it had
        harness.close();
        harness = harness(null);
        aqi(T0 + 10_000, 50);
        harness.processWatermark(T0 + MINUTE);
        // Its partition is at 3:00 while the operator's watermark is at 1:00: the twin follows both entries now.
        aqi(T0 + 200_000, 70, T0 + 3 * MINUTE);
        harness.processWatermark(T0 + 4 * MINUTE); // the listings at 1:31 and 2:31 find nothing left to follow
        Map<String, List<long[]>> byStreet = aqiChangesByStreet();
        List<long[]> homeStreet = byStreet.getOrDefault(street, List.of());
        assertThat(homeStreet).extracting(c -> c[0] + ":" + c[1] + "→" + c[2]).containsExactly(
                (T0 + 10_000) + ":0→0", (T0 + 10_000) + ":0→50", away + ":50→0", back + ":0→50",
                (T0 + 200_000) + ":50→70");
        assertThat(byStreet.getOrDefault(newStreet, List.of())).extracting(c -> c[0] + ":" + c[1] + "→" + c[2])
                .containsExactly(away + ":0→50", back + ":50→0");
    }

    @Test
    void aRecordReleasedAfterAMoveGoesToTheNewStreet() throws Exception {
        String newStreet = PLAN.topology().streets().get(1).code();
        long validFrom = T0 + 90_500;
        registerMoveAhead(newStreet, validFrom);
        aqi(T0 + 10_000, 50);
        aqi(T0 + 100_000, 70); // held: released after the move
        harness.processWatermark(T0 + 2 * MINUTE);
        Map<String, List<long[]>> byStreet = aqiChangesByStreet();
        List<long[]> oldStreet = byStreet.getOrDefault(street, List.of());
        assertThat(oldStreet).extracting(c -> c[0] + ":" + c[1] + "→" + c[2])
                .containsExactly((T0 + 10_000) + ":0→0", (T0 + 10_000) + ":0→50", validFrom + ":50→0");
        assertThat(byStreet.getOrDefault(newStreet, List.of())).extracting(c -> c[0] + ":" + c[1] + "→" + c[2])
                .containsExactly(validFrom + ":0→50", (T0 + 100_000) + ":50→70");
    }

    @Test
    void lateIsDecidedByThePartitionsWatermarkEvenWhenTheOperatorsIsAhead() throws Exception {
        // Another partition moved the operator's watermark to 10 min while this record's partition
        // (idle for a while, so not holding the operator back) had only reached 2 min.
        harness.processWatermark(T0 + 10 * MINUTE);
        aqi(T0 + MINUTE, 50, T0 + 2 * MINUTE);
        assertThat(deadLetterReasons()).isEmpty();
        // Applied at once, just after the operator's watermark: its ticks up to there may be written.
        assertThat(aqiChanges()).extracting(c -> c[0]).containsOnly(T0 + 10 * MINUTE + 1);

        aqi(T0 + 2 * MINUTE - LATENESS, 60, T0 + 2 * MINUTE); // at its partition's horizon
        assertThat(deadLetterReasons()).containsExactly("LATE");
    }

    @Test
    void aReadingsIdentityIsItsTimeAndExactValuesInAnyMapOrder() {
        java.util.LinkedHashMap<String, Double> aqiFirst = new java.util.LinkedHashMap<>();
        aqiFirst.put("aqi", 63.0);
        aqiFirst.put("pm25", 0.1 + 0.2);
        java.util.LinkedHashMap<String, Double> pm25First = new java.util.LinkedHashMap<>();
        pm25First.put("pm25", 0.1 + 0.2);
        pm25First.put("aqi", 63.0);
        String identity = TwinOperator.identity(new Event(null, "AQ-1", T0, aqiFirst, null, Map.of()));
        assertThat(TwinOperator.identity(new Event(null, "AQ-1", T0, pm25First, null, Map.of()))).isEqualTo(identity);
        assertThat(TwinOperator.identity(new Event(null, "AQ-1", T0, Map.of("aqi", 63.0, "pm25", 0.3), null, Map.of())))
                .as("0.1 + 0.2 is not 0.3").isNotEqualTo(identity);
        assertThat(TwinOperator.identity(new Event(null, "AQ-1", T0 + 1, aqiFirst, null, Map.of()))).isNotEqualTo(identity);
        assertThat(TwinOperator.identity(new Event("e-1", "AQ-1", T0, aqiFirst, null, Map.of()))).isEqualTo("e-1");
    }

    @Test
    void pastTheHeapBoundTwinsAreWrittenBackEarlyAndReadAgainWhenTheirRecordsAreReleased() throws Exception {
        harness.close();
        for (int i = 2; i <= 3; i++) {
            registry.put(new Asset("AQ-" + i, "air_station", street, 31.2, 121.5, Map.of("station_class", "roadside")));
        }
        operator = new TwinOperator(PLAN, RegistryRef.of(registry), LATENESS, Duration.ofDays(30), DEAD_LETTERS, null,
                "live").withMaxLiveTwins(2);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, r -> r.event().assetId(), Types.STRING);
        harness.open();
        for (int i = 1; i <= 3; i++) {
            Event event = new Event(null, "AQ-" + i, T0 + i * 1000, Map.of("aqi", 10.0 * i), null, Map.of());
            harness.processElement(new StreamRecord<>(new FeedRecord(event, null, new byte[0], "feed", 0, offset++,
                    Long.MIN_VALUE), event.time()));
        }
        assertThat(harness.numKeyedStateEntries()).as("AQ-1 and AQ-2 written when AQ-3 came").isEqualTo(2);

        harness.processWatermark(T0 + MINUTE);
        int in = GaugeChanges.NEW_INCLUDED | GaugeChanges.NEW_MATCHES;
        assertThat(aqiChanges()).extracting(c -> c[0] + ":" + c[2] + "/" + c[3]).containsExactlyInAnyOrder(
                (T0 + 1000) + ":0/0", (T0 + 1000) + ":10/" + in, (T0 + 2000) + ":0/0", (T0 + 2000) + ":20/" + in,
                (T0 + 3000) + ":0/0", (T0 + 3000) + ":30/" + in);
    }

    @Test
    void recordsOfAnAssetOnAnotherPartitionThanItsRecordBeforeAreCountedAndStillApplied() throws Exception {
        int[] partitions = {0, 0, 1, 1, 0, 2};
        for (int i = 0; i < partitions.length; i++) {
            aqi(T0 + i * 1000, 10 + i, Long.MIN_VALUE, partitions[i]);
        }
        harness.processWatermark(T0 + MINUTE);

        assertThat(operator.recordsOffPartition()).as("0→1, 1→0, 0→2").isEqualTo(3);
        assertThat(deadLetterReasons()).isEmpty();
        assertThat(aqiChanges()).extracting(c -> c[2]).as("coming online, then every reading in time order")
                .containsExactly(0L, 10L, 11L, 12L, 13L, 14L, 15L);
    }
}
