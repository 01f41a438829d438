package org.citytwin.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.scenario.Scenario;
import org.citytwin.model.scenario.ScenarioLoader;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

/** Where and when a scenario's records join the replayed feed. */
class ScenarioFeedTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final CityTopology TOPO = CityTopology.load("shanghai");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FROM = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();

    private static ScenarioFeed feed(int partitions, CitySimulator sim) throws Exception {
        Scenario scenario = new ScenarioLoader(TYPES, TOPO).read(new ByteArrayInputStream("""
                scenario: calls
                start: 0m
                duration: 10m
                events: [{asset: call_center_console, event: call, rate: 1}]
                """.getBytes(StandardCharsets.UTF_8)), "calls.yaml");
        return new ScenarioFeed(scenario, TYPES, TOPO, sim.registry(), new ReplayRange(FROM, FROM + 3_600_000), partitions);
    }

    @Test
    void eachRecordJoinsThePartitionTheProducersDefaultPartitionerGivesItsAsset() throws Exception {
        CitySimulator sim = new CitySimulator(TYPES, TOPO, CitySimulator.options().seed(4).scale(0.05));
        ScenarioFeed feed = feed(3, sim);
        for (Asset a : sim.registry().all()) {
            assertThat(feed.partitionOf(a.id())).as(a.id())
                    .isEqualTo(BuiltInPartitioner.partitionForKey(a.id().getBytes(StandardCharsets.UTF_8), 3));
        }
    }

    @Test
    void aPartitionsRecordsAreHandedOnOnceEachInTimeOrderUpToTheTimeOfItsHistory() throws Exception {
        CitySimulator sim = new CitySimulator(TYPES, TOPO, CitySimulator.options().seed(4).scale(0.05));
        ScenarioFeed feed = feed(2, sim);
        feed.open();
        List<ConsumerRecord<byte[], byte[]>> handed = new ArrayList<>();
        feed.upTo(0, FROM + 300_000, handed::add);
        int firstHalf = handed.size();
        feed.upTo(0, FROM + 300_000, handed::add); // nothing twice
        assertThat(handed).hasSize(firstHalf);
        feed.upTo(0, Long.MAX_VALUE, handed::add);
        feed.upTo(1, Long.MAX_VALUE, handed::add);

        long expected = feed.records().size();
        assertThat(handed).hasSize((int) expected);
        long[] previous = {Long.MIN_VALUE, Long.MIN_VALUE};
        for (int i = 0; i < handed.size(); i++) {
            ConsumerRecord<byte[], byte[]> r = handed.get(i);
            String asset = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(r.topic()).isEqualTo("scenario:calls");
            assertThat(r.partition()).isEqualTo(feed.partitionOf(asset));
            long time = JSON.readTree(r.value()).get("ts").asLong();
            if (i < firstHalf) {
                assertThat(r.partition()).isZero();
                assertThat(time).isLessThanOrEqualTo(FROM + 300_000);
            }
            assertThat(time).as("in time order within its partition").isGreaterThanOrEqualTo(previous[r.partition()]);
            previous[r.partition()] = time;
        }
    }
}
