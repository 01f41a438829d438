package org.citytwin.jobs.replay;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * A scenario's synthetic records, merged into the replayed feed by the reader: each is handed to the
 * feed's parser just before the first record of partition {@link #PARTITION} (the archive's only
 * one) whose event time is at or after its own, so it joins that partition in event-time order and
 * is never LATE, and the partition's history records meet the watermarks they met live. The
 * records are made again where the reader opens, from the scenario and a snapshot of the
 * registry's assets of the scenario's types taken when the replay starts, so they are the same
 * records the summary counts.
 */
public final class ScenarioFeed implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The feed partition the overlay joins. */
    public static final int PARTITION = 0;

    private final Scenario scenario;
    private final AssetTypes types;
    private final CityTopology topology;
    private final AssetRegistry assets;
    private final ReplayRange range;
    private transient ArrayDeque<SimRecord> pending;
    private transient long offset;

    public ScenarioFeed(Scenario scenario, AssetTypes types, CityTopology topology, AssetRegistry registry,
            ReplayRange range) {
        this.scenario = scenario;
        this.types = types;
        this.topology = topology;
        this.assets = snapshot(scenario, registry);
        this.range = range;
    }

    /** The overlay's records, in event-time order. */
    public List<SimRecord> records() {
        return new ScenarioOverlay(scenario, types, topology, assets).records(range.from(), range.to());
    }

    /** The topic name the overlay's records carry (it names them in dead letters). */
    public String topic() {
        return "scenario:" + scenario.id();
    }

    void open() {
        pending = new ArrayDeque<>(records());
        offset = 0;
    }

    /** Hands on, as feed records to parse, the overlay's records not yet handed on with event time up to {@code time}. */
    void upTo(long time, Consumer<ConsumerRecord<byte[], byte[]>> out) {
        while (!pending.isEmpty() && pending.peek().time() <= time) {
            SimRecord r = pending.poll();
            out.accept(new ConsumerRecord<>(topic(), PARTITION, offset++, r.key().getBytes(StandardCharsets.UTF_8), r.json()));
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
