package org.citytwin.jobs.engine.twin;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.citytwin.jobs.engine.metrics.EngineCounters;
import org.citytwin.jobs.engine.metrics.EngineSampleWriter;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.engine.source.FeedRecord;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetHistory;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.catalog.SourceKind;
import org.citytwin.model.event.Event;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.event.Rejection;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.plan.PlanIndex;
import org.citytwin.model.plan.PlanIndex.TypeIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The twin of each asset (keyed by asset id). Applies the asset's events in event-time order —
 * each is held until the watermark passes it — and emits, for the asset's street (the
 * pre-aggregation adds it to the district and the city), what the event changes: gauge changes
 * (per accumulator group, the part the asset added last time and its part now) and window items
 * (counter increments, events). Drops duplicates, dead-letters events later than the allowed
 * lateness, takes assets offline after their type's silence timeout, and follows registry changes
 * (a move to another street, changed attributes) without leaving its old part behind.
 *
 * <p>An event behind the watermark but within the allowed lateness is applied at once: its window
 * items keep their event time (the area re-emits the corrected window); a gauge reading updates
 * the state only if it is newer than the asset's current reading, effective just after the
 * watermark, since ticks up to the watermark are already written.
 *
 * <p>Working state on the heap, keyed state at checkpoints. Everything an asset needs is one
 * {@link AssetTwin} value; the twins in use live in a heap map, and those changed since the last
 * checkpoint are written to keyed state (RocksDB in {@code twin run}) before each checkpoint
 * barrier, so a record costs no state access or serialization of its own. The assets with events waiting for the
 * watermark, and the end of each online asset's silence, are listed on the heap per second
 * ({@link ReleaseQueue}) and acted on when the watermark passes it; before each barrier the list
 * becomes event-time timers, which the checkpoint keeps and which survive a restore at another
 * parallelism with their keys. An online asset's silence is listed once and moved only when it
 * comes (a newer reading moves the silence's end later; the asset is then found still online and
 * listed again).
 */
public final class TwinOperator extends AbstractStreamOperator<Contribution>
        implements OneInputStreamOperator<FeedRecord, Contribution>, Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TwinOperator.class);

    /** Twins kept on the heap before they are written back early: bounds memory between checkpoints (~1 KB a twin). */
    static final int MAX_LIVE_TWINS = 200_000;

    private final EvaluationPlan plan;
    private final RegistryRef registryRef;
    private transient AssetRegistry registry;
    private final long allowedLatenessMs;
    private final Duration retiredAfter;
    private final OutputTag<DeadLetter> deadLetters;
    private final EngineSampleWriter samples;
    private final String run;
    private int maxLiveTwins = MAX_LIVE_TWINS;

    private transient PlanIndex index;
    private transient ValueState<AssetTwin> twinState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient EngineCounters counters;
    /** The twins in use: changed in this checkpoint interval or the one before (see {@link #writeBack}). */
    private transient Map<String, AssetTwin> live;
    private transient ReleaseQueue releases;
    /**
     * The watermark forwarded last: the areas have written what is up to it, so a change takes
     * effect after it (a registry entry that applies from before it: just after it).
     */
    private transient long forwarded;
    /** The registry's version when {@link #listRegistryEntries} looked last. */
    private transient long registryVersionSeen;
    private transient StreamRecord<Contribution> reuse;
    private transient boolean warnedOffPartition;

    public TwinOperator(EvaluationPlan plan, RegistryRef registry, long allowedLatenessMs, Duration retiredAfter,
            OutputTag<DeadLetter> deadLetters, EngineSampleWriter samples, String run) {
        this.plan = plan;
        this.registryRef = registry;
        this.allowedLatenessMs = allowedLatenessMs;
        this.retiredAfter = retiredAfter;
        this.deadLetters = deadLetters;
        this.samples = samples;
        this.run = run;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        counters = EngineCounters.restore(context, "twin", run);
    }

    @Override
    public void open() throws Exception {
        super.open();
        index = new PlanIndex(plan);
        registry = registryRef.resolve();
        ValueStateDescriptor<AssetTwin> twinDescriptor = new ValueStateDescriptor<>("twin", AssetTwinSerializer.INSTANCE);
        // Retired assets: a twin not written for this long is dropped (checked on access and on compaction).
        twinDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(retiredAfter)
                .cleanupIncrementally(1, false)          // heap state: one entry checked per access
                .cleanupInRocksdbCompactFilter(1000)     // RocksDB: dropped during compaction
                .build());
        twinState = getPartitionedState(twinDescriptor);
        timers = getInternalTimerService("twin-timers", VoidNamespaceSerializer.INSTANCE, this);
        live = new HashMap<>();
        releases = new ReleaseQueue();
        forwarded = Long.MIN_VALUE;
        registryVersionSeen = 0;
        reuse = new StreamRecord<>(null);
        counters.open(getRuntimeContext(), samples);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        writeBack(true);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        counters.snapshot();
    }

    @Override
    public void close() throws Exception {
        if (counters != null) { // null when the task is cancelled before its state was initialized
            counters.close();
        }
        super.close();
    }

    /**
     * The key is not set per record: twins are on the heap, and the key is set only where keyed
     * state is read or written ({@link #twin}, {@link #writeBack}) — setting it serializes the key for RocksDB.
     */
    @Override
    public void setKeyContextElement(StreamRecord<FeedRecord> record) {
    }

    @Override
    public void processElement(StreamRecord<FeedRecord> element) throws Exception {
        FeedRecord record = element.getValue();
        Event event = record.event();
        String key = event.assetId();
        long operatorWatermark = timers.currentWatermark();
        counters.watermark(operatorWatermark);
        if (live.size() >= maxLiveTwins) {
            writeBack(false);
        }
        AssetTwin state = twin(key);
        AssetHistory history = resolve(key, state);
        TypeIndex type = state != null ? state.resolvedType : history == null ? null : index.of(history.latest().type());
        if (type == null) {
            // Known to the parser, gone since (a tombstone on the registry topic).
            reject(record, RejectReason.UNKNOWN_ASSET, "asset '" + key + "' is no longer registered");
            return;
        }
        if (state == null) {
            state = AssetTwin.empty(type.metricCount());
            state.key = key;
            state.history = history;
            state.resolvedType = type;
            state.resolvedVersion = registry.version();
            state.dirty = true;
            live.put(key, state);
        }
        followPartition(record, state);
        // LATE is decided by the watermark this record met in its partition alone, so the decision
        // depends on the partition's records only, never on other partitions or on processing speed
        // (the operator's watermark is the minimum over partitions, and passes a partition that idled).
        // What is applied when uses the later of the two: the asset is first brought up to it, and a
        // record behind it is applied at once, just after it, since the ticks up to it may be written.
        long partitionWatermark = record.partitionWatermark();
        long watermark = Math.max(operatorWatermark, partitionWatermark);
        releaseUpTo(watermark, history, type, state);
        if (event.time() <= lateHorizon(partitionWatermark)) {
            reject(record, RejectReason.LATE, "event time " + event.time() + " is more than "
                    + allowedLatenessMs + " ms behind its partition's watermark " + partitionWatermark);
        } else {
            accept(record, history, type, state, watermark);
        }
        // Only identities behind the operator's watermark are LATE whichever partition repeats them.
        forgetOldIdentities(operatorWatermark, state);
        arm(type, state, watermark);
    }

    /**
     * Counts a record read on another feed partition than its asset's record before it, and logs the
     * first: the feed is not keyed by asset id (docs/event-format.md), so the order in which the
     * asset's records meet the twin, and with it the tick a record behind the watermark lands in,
     * depends on how the partitions are read.
     */
    private void followPartition(FeedRecord record, AssetTwin state) {
        if (state.partition != record.partition() && state.partition >= 0) {
            counters.offPartition();
            if (!warnedOffPartition) {
                warnedOffPartition = true;
                LOG.warn("asset '{}' has records on feed partitions {} and {} of topic {}: the feed is not keyed by "
                        + "asset id, so its points may depend on the order the partitions are read in (counted as "
                        + "records_off_partition in the engine measurement; this is logged once)", state.key,
                        state.partition, record.partition(), record.topic());
            }
        }
        state.partition = record.partition();
    }

    /**
     * The asset's registry history: the one its twin resolved last while the registry has not changed
     * since (no look-up), else the registry's (null: not registered); the twin keeps its type too.
     */
    private AssetHistory resolve(String key, AssetTwin state) {
        long version = registry.version();
        if (state != null && state.resolvedVersion == version) {
            return state.history;
        }
        AssetHistory history = registry.history(key);
        if (state != null) {
            state.history = history;
            state.resolvedType = history == null ? null : index.of(history.latest().type());
            state.resolvedVersion = version;
        }
        return history;
    }

    /** A record that is not LATE: DUPLICATE, or held until the watermark, or applied at once behind it. */
    private void accept(FeedRecord record, AssetHistory history, TypeIndex type, AssetTwin state, long watermark) {
        Event event = record.event();
        String identity = identity(event);
        if (state.remembers(identity)) {
            reject(record, RejectReason.DUPLICATE, "already received: " + identity);
            return;
        }
        state.remember(identity, event.time());
        counters.applied();
        if (event.time() > watermark) {
            state.hold(event);
        } else {
            apply(event, history, type, state, watermark + 1);
        }
    }

    /** Releases the assets listed for the seconds the watermark passed, then fires the timers and forwards it. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        listRegistryEntries(watermark);
        releases.pollUpTo(watermark, (second, twin) -> act(twin, second, watermark));
        super.processWatermark(mark);
        forwarded = watermark;
    }

    /**
     * A timer set at a checkpoint fires while Flink advances the watermark, after this operator
     * polled its queue and before the watermark goes on: what the asset lists again at or before
     * the watermark (its silence, its next waiting record) is acted on here, not a watermark later.
     */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        AssetTwin state = twin(timer.getKey());
        long watermark = timers.currentWatermark();
        if (state != null) {
            act(state, timer.getTimestamp(), watermark);
        }
        releases.pollUpTo(watermark, (second, twin) -> act(twin, second, watermark));
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // the twin keeps no processing-time timers
    }

    /**
     * Lists, for the release queue, the twins of this subtask whose registry history changed since
     * the last look and has more than one entry: acted on at once, each follows what applies and
     * lists its next entry, so an entry registered ahead takes effect at its time also for an asset
     * that sends nothing then. At the first watermark after a start it looks at every asset, which
     * also lists what a restored twin needs.
     */
    private void listRegistryEntries(long watermark) throws Exception {
        long version = registry.version(); // read first: a change after it is looked at next time
        if (version == registryVersionSeen) {
            return;
        }
        List<String> changed = registry.changedSince(registryVersionSeen);
        registryVersionSeen = version;
        TaskInfo task = getRuntimeContext().getTaskInfo();
        for (String id : changed) {
            AssetHistory history = registry.history(id);
            if (history == null || history.only() != null
                    || KeyGroupRangeAssignment.assignKeyToParallelOperator(id, task.getMaxNumberOfParallelSubtasks(),
                            task.getNumberOfParallelSubtasks()) != task.getIndexOfThisSubtask()) {
                continue;
            }
            AssetTwin twin = twin(id);
            if (twin == null || resolve(id, twin) == null) {
                continue;
            }
            releases.add(watermark, twin); // acted on with this watermark: it follows, and lists its next entry
        }
    }

    /** The asset's action at {@code time}: release what is due, follow its registry entries, go offline if silent, re-arm. */
    private void act(AssetTwin state, long time, long operatorWatermark) {
        if (time == state.releaseAt) {
            state.releaseAt = AssetTwin.NONE;
        }
        if (time == state.silenceTimer) {
            state.silenceTimer = AssetTwin.NONE;
        }
        if (time == state.registryAt) {
            state.registryAt = AssetTwin.NONE;
        }
        AssetHistory history = resolve(state.key, state);
        TypeIndex type = state.resolvedType;
        if (type == null) {
            state.dropPending(); // the asset was removed from the registry while its records waited
            return;
        }
        releaseUpTo(time, history, type, state);
        forgetOldIdentities(operatorWatermark, state);
        arm(type, state, time);
    }

    /** A smaller bound on the twins kept on the heap (for tests). */
    TwinOperator withMaxLiveTwins(int max) {
        this.maxLiveTwins = max;
        return this;
    }

    /** The listings waiting in the release queue (for tests). */
    int waitingReleases() {
        return releases.size();
    }

    /** Records read on another partition than their asset's record before them (for tests). */
    long recordsOffPartition() {
        return counters.recordsOffPartition();
    }

    /** The twins on the heap (for tests). */
    int twinsOnHeap() {
        return live.size();
    }

    /**
     * The asset's twin, marked as changed: on the heap, else from keyed state (then kept on the
     * heap); null if none.
     */
    private AssetTwin twin(String key) throws Exception {
        AssetTwin state = live.get(key);
        if (state == null) {
            setCurrentKey(key);
            state = twinState.value();
            if (state == null) {
                return null;
            }
            state.key = key;
            live.put(key, state);
        }
        state.dirty = true;
        return state;
    }

    /**
     * Writes the twins changed since the last write to keyed state; the assets listed for release
     * become timers first (the queue holds their twins). Before a barrier ({@code keepChanged}) the
     * twins just written stay on the heap, so an asset heard from in every checkpoint interval is
     * never read back, and those untouched for a whole interval leave it (keyed state has them, and
     * their retirement TTL runs there); past the heap bound every twin leaves it. Only a state
     * backend that stores a copy (RocksDB) lets a written twin stay: a heap backend keeps the very
     * object, which the twin's next change would alter under a running snapshot.
     */
    private void writeBack(boolean keepChanged) throws Exception {
        keepChanged &= getKeyedStateBackend().isSafeToReuseKVState();
        releases.toTimers(this::setCurrentKey, timers);
        Iterator<AssetTwin> twins = live.values().iterator();
        while (twins.hasNext()) {
            AssetTwin twin = twins.next();
            if (twin.dirty) {
                setCurrentKey(twin.key);
                twinState.update(twin);
                twin.dirty = false;
                if (keepChanged) {
                    continue;
                }
            }
            twins.remove();
        }
    }

    /**
     * Schedules the asset's next actions, the twin being brought up to {@code broughtTo}: its next
     * registry entry at the second the watermark passes its {@code valid_from}; the release of its
     * first waiting record at the second the watermark passes it (listed again only when earlier
     * than the one listed); and, while it is online, the end of its silence (not moved by newer
     * readings: listed again when it comes early).
     */
    private void arm(TypeIndex type, AssetTwin state, long broughtTo) {
        long change = state.history.nextChangeAfter(broughtTo);
        if (change != Long.MAX_VALUE && state.registryAt != timerFor(change)) {
            state.registryAt = timerFor(change);
            releases.add(state.registryAt, state);
        }
        if (state.firstPending != Long.MAX_VALUE) {
            long release = timerFor(state.firstPending);
            if (state.releaseAt == AssetTwin.NONE || release < state.releaseAt) {
                releases.add(release, state);
                state.releaseAt = release;
            }
        }
        if (state.online && type.silenceTimeoutMs() > 0 && state.silenceTimer == AssetTwin.NONE) {
            long silence = timerFor(state.lastSeen + type.silenceTimeoutMs());
            releases.add(silence, state);
            state.silenceTimer = silence;
        }
    }

    /**
     * Applies the asset's waiting records with times up to {@code watermark}, in time order, with
     * the registry entries that apply at their times, and takes the asset offline where its silence
     * ran out on the way (at lastSeen + silence).
     */
    private void releaseUpTo(long watermark, AssetHistory history, TypeIndex type, AssetTwin state) {
        if (state.firstPending <= watermark) {
            for (Event waiting : state.releaseUpTo(watermark)) {
                followUpTo(waiting.time(), history, type, state);
                goOfflineIfSilentBefore(waiting.time(), type, state);
                apply(waiting, history, type, state, waiting.time());
            }
        }
        followUpTo(watermark + 1, history, type, state); // what the watermark passed applies just after it
        goOfflineIfSilentBefore(watermark + 1, type, state);
    }

    /**
     * Brings the twin to the registry entry that applies at {@code time} through every entry in
     * between, each effective at its {@code valid_from} (or just after the forwarded watermark, if
     * that passed it); an asset whose silence ran out before an entry goes offline first, with the
     * entry it had. A twin already past {@code time} (brought up to its partition's watermark) stays.
     */
    private void followUpTo(long time, AssetHistory history, TypeIndex type, AssetTwin state) {
        if (state.followed != null && state.followed == history.only()) {
            return; // one entry, followed: what almost every record meets
        }
        int target = history.indexAt(time);
        int current = history.indexOf(state.followedFrom);
        if (state.followed == null && current >= 0 && state.street != null
                && state.assetFingerprint == AssetTwin.fingerprint(history.entry(current))) {
            state.followed = history.entry(current); // a twin read from keyed state: the entry it followed
        }
        if (current >= 0 && history.entry(current) == state.followed) {
            for (int next = current + 1; next <= target; next++) {
                follow(history, next, type, state, history.appliesFrom(next));
            }
        } else if (state.followed != history.entry(target)) {
            // A new twin, or the entry it followed replaced or removed (a topic): from now on.
            follow(history, target, type, state, time);
        }
    }

    /** Follows the entry at {@code index} from {@code from}, or just after the forwarded watermark if that passed it. */
    private void follow(AssetHistory history, int index, TypeIndex type, AssetTwin state, long from) {
        long effective = Math.max(from, forwarded + 1);
        if (state.followed != null) {
            goOfflineIfSilentBefore(effective, type, state);
        }
        state.followedFrom = history.validFromAt(index);
        followRegistry(history.entry(index), type, state, effective);
    }

    /** Takes the asset offline at lastSeen + silence if that is before {@code time}. */
    private void goOfflineIfSilentBefore(long time, TypeIndex type, AssetTwin state) {
        if (!state.online || type.silenceTimeoutMs() <= 0) {
            return;
        }
        long offlineAt = state.lastSeen + type.silenceTimeoutMs();
        if (offlineAt < time) {
            state.online = false;
            emitGauges(state.followed, type, type.gaugeGroups(), state, offlineAt);
        }
    }

    /**
     * Watermarks advance in whole seconds ({@link FeedWatermarks}), so a timer at the next whole
     * second fires with the same watermark as one at {@code time}, and one timer serves the second.
     */
    private static long timerFor(long time) {
        return Math.floorDiv(time + 999, 1000) * 1000;
    }

    /**
     * Applies one record to the asset's state (which the caller writes back): its gauges with the
     * registry entry the twin follows, its window items with the entry that applies at its time.
     */
    private void apply(Event event, AssetHistory history, TypeIndex type, AssetTwin state, long effectiveTime) {
        Asset followed = state.followed;
        Asset asset = history.at(event.time());
        if (!state.online) {
            // Coming online changes the part of every gauge that reads `online`.
            state.online = true;
            emitGauges(followed, type, type.gaugeGroups(), state, effectiveTime);
        }
        if (event.time() > state.lastSeen) {
            state.lastSeen = event.time();
        }
        ItemsOfEvent items = new ItemsOfEvent();
        if (event.isReading()) {
            // Metrics feed disjoint slots and areas combine changes commutatively: no ordering needed.
            for (Map.Entry<String, Double> reading : event.readings().entrySet()) {
                PlanIndex.MetricRoute route = type.route(reading.getKey());
                MetricDef metric = route.metric();
                int position = route.position();
                long value = metric.toFixed(reading.getValue());
                if (metric.kind() == MetricKind.GAUGE) {
                    if (state.valueTimes[position] > event.time()) {
                        continue; // superseded by a newer reading already applied (late, or replayed after a restore)
                    }
                    state.values[position] = value;
                    state.valueTimes[position] = event.time();
                    emitGauges(followed, type, route.groups(), state, effectiveTime);
                } else {
                    if (state.counterTimes[position] > event.time()) {
                        continue; // an older total cannot be placed between applied ones
                    }
                    long previous = state.counters[position];
                    state.counters[position] = value;
                    state.counterTimes[position] = event.time();
                    if (previous != AssetTwin.NONE) {
                        long increment = value >= previous ? value - previous : value; // a reset restarts at 0
                        for (int group : route.groups()) {
                            if (index.groupSource(group).acceptsReading(metric.fromFixed(increment), state.online, asset)) {
                                items.add(group, increment, null);
                            }
                        }
                    }
                }
            }
        } else {
            for (int group : type.eventGroups(event.kind())) {
                CompiledIndicator indicator = index.groupSource(group);
                if (!indicator.acceptsEvent(event.attributes(), asset)) {
                    continue;
                }
                String attribute = indicator.indicator().attribute();
                Object raw = attribute == null ? null : event.attributes().get(attribute);
                long value = raw instanceof Number n ? Math.round(n.doubleValue() / indicator.resolution()) : 0;
                if (attribute != null && raw == null) {
                    continue; // an event without the attribute the indicator aggregates
                }
                items.add(group, value, raw == null ? null : String.valueOf(raw));
            }
        }
        if (items.count > 0) {
            emit(items.contribution(asset.street(), event.time()));
        }
    }

    /**
     * Emits, for each gauge group among {@code groups} (counter groups are skipped), the part the
     * asset added last time (remembered in the twin, so a registry change cannot make the
     * retraction differ from what was added) and its part now, for the street it contributes to.
     */
    private void emitGauges(Asset asset, TypeIndex type, int[] groups, AssetTwin state, long effectiveTime) {
        if (groups.length == 0) {
            return;
        }
        if (state.street == null) {
            state.contributing(type.gaugeGroups().length, asset);
        }
        int n = 0;
        int[] gaugeGroups = new int[groups.length];
        long[] olds = new long[groups.length];
        long[] news = new long[groups.length];
        byte[] flags = new byte[groups.length];
        for (int group : groups) {
            CompiledIndicator indicator = index.groupSource(group);
            if (indicator.source() != SourceKind.GAUGE) {
                continue;
            }
            int k = index.gaugeGroupPosition(group);
            int position = index.groupMetricPosition(group);
            MetricDef metric = index.groupMetric(group);
            long part = part(indicator, asset, state, position);
            byte membership = (byte) membership(indicator, asset, metric, state, position, GaugeChanges.NEW_INCLUDED,
                    GaugeChanges.NEW_MATCHES);
            gaugeGroups[n] = group;
            olds[n] = state.parts[k];
            news[n] = part;
            flags[n] = (byte) (AssetTwin.asOld(state.memberships[k]) | membership);
            state.parts[k] = part;
            state.memberships[k] = membership;
            n++;
        }
        if (n == groups.length) {
            emit(new GaugeChanges(state.street, effectiveTime, gaugeGroups, olds, news, flags));
        } else if (n > 0) {
            emit(new GaugeChanges(state.street, effectiveTime, Arrays.copyOf(gaugeGroups, n),
                    Arrays.copyOf(olds, n), Arrays.copyOf(news, n), Arrays.copyOf(flags, n)));
        }
    }

    /**
     * Follows a registry change of the asset: a move to another street takes its parts out of the
     * old street and adds them to the new one; changed attributes re-evaluate every gauge part
     * (filters and attribute values read them). Effective at {@code time}.
     */
    private void followRegistry(Asset asset, TypeIndex type, AssetTwin state, long time) {
        state.followed = asset;
        if (state.street == null || state.assetFingerprint == AssetTwin.fingerprint(asset)) {
            return;
        }
        int[] groups = type.gaugeGroups();
        if (!state.street.equals(asset.street())) {
            long[] zeros = new long[groups.length];
            byte[] flags = new byte[groups.length];
            for (int k = 0; k < groups.length; k++) {
                flags[k] = AssetTwin.asOld(state.memberships[k]);
            }
            emit(new GaugeChanges(state.street, time, groups.clone(), state.parts.clone(), zeros, flags));
            state.street = asset.street();
            java.util.Arrays.fill(state.parts, 0);
            java.util.Arrays.fill(state.memberships, (byte) 0);
        }
        state.assetFingerprint = AssetTwin.fingerprint(asset);
        emitGauges(asset, type, groups, state, time);
    }

    /** Whether the asset, in this state, is in the gauge (passes the filter) and meets its condition. */
    private static int membership(CompiledIndicator indicator, Asset asset, MetricDef metric, AssetTwin state,
            int position, byte included, byte matches) {
        if (state.values[position] == AssetTwin.NONE) {
            return 0;
        }
        double value = metric.fromFixed(state.values[position]);
        if (!indicator.acceptsReading(value, state.online, asset)) {
            return 0;
        }
        return indicator.conditionHolds(value, state.online, asset) ? included | matches : included;
    }

    /** The value an asset adds to a gauge: its reading, or a static attribute for attribute gauges. */
    private static long part(CompiledIndicator indicator, Asset asset, AssetTwin state, int position) {
        if (state.values[position] == AssetTwin.NONE) {
            return 0;
        }
        String attribute = indicator.valueAttribute();
        if (attribute != null) {
            Object raw = asset.attributes().get(attribute);
            return raw instanceof Number n ? Math.round(n.doubleValue() / indicator.resolution()) : 0;
        }
        return state.values[position];
    }

    private void reject(FeedRecord record, RejectReason reason, String detail) {
        counters.deadLettered(reason);
        output.collect(deadLetters, new StreamRecord<>(record.deadLetter(new Rejection(reason, detail))));
    }

    private void emit(Contribution contribution) {
        output.collect(reuse.replace(contribution));
    }

    /** Event times at or before this are LATE; before the first watermark nothing is. */
    private long lateHorizon(long watermark) {
        return watermark < Long.MIN_VALUE + allowedLatenessMs ? Long.MIN_VALUE : watermark - allowedLatenessMs;
    }

    /** Identities older than the allowed lateness can no longer arrive without being LATE. */
    private void forgetOldIdentities(long watermark, AssetTwin state) {
        long horizon = lateHorizon(watermark);
        if (state.oldestIdentity <= horizon) {
            state.forgetIdentitiesUpTo(horizon);
        }
    }

    /**
     * An event's identity for deduplication: its event id, else its time and content — for a
     * reading, its metrics by name with each value's bits (exact, and without formatting doubles).
     */
    static String identity(Event event) {
        if (event.eventId() != null) {
            return event.eventId();
        }
        if (!event.isReading()) {
            return event.time() + "|" + event.kind() + new TreeMap<>(event.attributes());
        }
        String[] names = event.readings().keySet().toArray(new String[0]);
        Arrays.sort(names);
        StringBuilder identity = new StringBuilder(24 + 24 * names.length).append(event.time());
        for (String name : names) {
            identity.append('|').append(name).append('=')
                    .append(Long.toHexString(Double.doubleToLongBits(event.readings().get(name))));
        }
        return identity.toString();
    }

    /** Window items of one event, gathered per group, as one contribution for the asset's street. */
    private static final class ItemsOfEvent {
        private int[] groups = new int[4];
        private long[] values = new long[4];
        private String[] labels = new String[4];
        private int count;

        void add(int group, long value, String label) {
            if (count == groups.length) {
                groups = Arrays.copyOf(groups, count * 2);
                values = Arrays.copyOf(values, count * 2);
                labels = Arrays.copyOf(labels, count * 2);
            }
            groups[count] = group;
            values[count] = value;
            labels[count++] = label;
        }

        WindowItems contribution(String street, long time) {
            return new WindowItems(street, time, Arrays.copyOf(groups, count), Arrays.copyOf(values, count),
                    Arrays.copyOf(labels, count));
        }
    }
}
