package org.citytwin.jobs.replay;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.scenario.EventOverlay;
import org.citytwin.model.scenario.ReadingOverlay;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.sim.ScenarioOverlay;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;

/**
 * A scenario's synthetic records, merged into the replayed feed by the reader: each goes to the
 * partition its asset's records are in (Kafka's default partitioner over the asset id, the feed's
 * key; the archive keeps the Kafka partitions) and is handed to the feed's parser just before the first
 * record of that partition whose event time is at or after its own. So it joins the partition in
 * event-time order, is never LATE, and history's records are decided as without it. The records
 * are made again where the reader opens, from the scenario and a snapshot of the registry's assets
 * of the scenario's types taken when the replay starts, so they are the records the summary counts.
 */
public final class ScenarioFeed implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Scenario scenario;
    private final AssetTypes types;
    private final CityTopology topology;
    private final AssetRegistry assets;
    private final ReplayRange range;
    private final int partitions;
    private transient Map<Integer, ArrayDeque<SimRecord>> pending;
    private transient long offset;

    /** @param partitions the feed topic's partitions (for the archive: its highest partition + 1) */
    public ScenarioFeed(Scenario scenario, AssetTypes types, CityTopology topology, AssetRegistry registry,
            ReplayRange range, int partitions) {
        this.scenario = scenario;
        this.types = types;
        this.topology = topology;
        this.assets = snapshot(scenario, registry);
        this.range = range;
        this.partitions = partitions;
    }

    /** The overlay's records, in event-time order. */
    public List<SimRecord> records() {
        return new ScenarioOverlay(scenario, types, topology, assets).records(range.from(), range.to());
    }

    /** The scenario's name. */
    public String name() {
        return scenario.id();
    }

    /** The topic name the overlay's records carry (it names them in dead letters). */
    public String topic() {
        return "scenario:" + scenario.id();
    }

    /** Makes the records, once: a reader may open its deserializer again (a new fetcher), and must not read them twice. */
    void open() {
        if (pending != null) {
            return;
        }
        pending = new HashMap<>();
        for (SimRecord r : records()) {
            pending.computeIfAbsent(partitionOf(r.key()), p -> new ArrayDeque<>()).add(r);
        }
        offset = 0;
    }

    /** The partition of an asset's records: Kafka's default partitioner over the key (the asset id). */
    int partitionOf(String assetId) {
        return Utils.toPositive(Utils.murmur2(assetId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Hands on, as feed records of {@code partition} to parse, the overlay's records of that partition
     * not yet handed on with event time up to {@code time}.
     */
    void upTo(int partition, long time, Consumer<ConsumerRecord<byte[], byte[]>> out) {
        ArrayDeque<SimRecord> queue = pending.get(partition);
        while (queue != null && !queue.isEmpty() && queue.peek().time() <= time) {
            SimRecord r = queue.poll();
            out.accept(new ConsumerRecord<>(topic(), partition, offset++, r.key().getBytes(StandardCharsets.UTF_8), r.json()));
        }
    }

    /** The registry's assets of the types the scenario names: what the job needs, fixed when the replay starts. */
    private static AssetRegistry snapshot(Scenario scenario, AssetRegistry registry) {
        Set<String> named = new HashSet<>();
        scenario.readings().stream().map(ReadingOverlay::assetType).forEach(named::add);
        scenario.events().stream().map(EventOverlay::assetType).forEach(named::add);
        AssetRegistry snapshot = new AssetRegistry();
        for (Asset a : registry.all()) {
            if (named.contains(a.type())) {
                snapshot.put(a);
            }
        }
        return snapshot;
    }
}
