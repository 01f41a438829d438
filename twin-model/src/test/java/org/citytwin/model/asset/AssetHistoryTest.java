package org.citytwin.model.asset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssetHistoryTest {

    private static final Asset AT_HOME = new Asset("AQ-1", "air_station", "310101001", 31.2, 121.5,
            Map.of("station_class", "roadside"));
    private static final Asset MOVED = new Asset("AQ-1", "air_station", "310115002", 31.3, 121.6,
            Map.of("station_class", "roadside"));
    private static final Asset RECLASSED = new Asset("AQ-1", "air_station", "310115002", 31.3, 121.6,
            Map.of("station_class", "urban"));

    @Test
    void eachEntryAppliesFromItsValidFromAndTheEarliestBeforeIt() {
        AssetRegistry registry = new AssetRegistry();
        registry.put(RECLASSED, 5_000);
        registry.put(AT_HOME);
        registry.put(MOVED, 2_500);
        AssetHistory history = registry.history("AQ-1");

        assertThat(history.entries()).containsExactly(AT_HOME, MOVED, RECLASSED);
        assertThat(history.at(Long.MIN_VALUE)).isSameAs(AT_HOME);
        assertThat(history.at(2_499)).isSameAs(AT_HOME);
        assertThat(history.at(2_500)).isSameAs(MOVED);
        assertThat(history.at(4_999)).isSameAs(MOVED);
        assertThat(history.at(5_000)).isSameAs(RECLASSED);
        assertThat(history.indexAt(4_999)).isOne();
        assertThat(history.indexOf(5_000)).isEqualTo(2);
        assertThat(history.indexOf(4_000)).isEqualTo(-1);
        assertThat(history.appliesFrom(0)).isEqualTo(AssetHistory.ALWAYS);
        assertThat(history.appliesFrom(2)).isEqualTo(5_000);
        assertThat(history.nextChangeAfter(0)).isEqualTo(2_500);
        assertThat(history.nextChangeAfter(2_500)).isEqualTo(5_000);
        assertThat(history.nextChangeAfter(5_000)).isEqualTo(Long.MAX_VALUE);
        assertThat(registry.get("AQ-1")).as("the latest entry").isSameAs(RECLASSED);
        assertThat(registry.all()).containsExactly(RECLASSED);
        assertThat(registry.allEntries()).containsExactly(AT_HOME, MOVED, RECLASSED);
    }

    @Test
    void theEarliestEntryAppliesBeforeItsValidFromToo() {
        AssetRegistry registry = new AssetRegistry();
        registry.put(MOVED, 2_500);
        assertThat(registry.history("AQ-1").at(0)).isSameAs(MOVED);
        assertThat(registry.history("AQ-1").appliesFrom(0)).isEqualTo(AssetHistory.ALWAYS);
        assertThat(registry.history("AQ-1").validFromAt(0)).as("as registered").isEqualTo(2_500);
        assertThat(registry.history("AQ-1").nextChangeAfter(0)).as("a single entry never changes")
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEntryOfTheSameTimeReplacesItAndAnotherTypeIsRefused() {
        AssetRegistry registry = new AssetRegistry();
        registry.put(AT_HOME);
        registry.put(MOVED, 2_500);
        registry.put(RECLASSED, 2_500);
        assertThat(registry.history("AQ-1").entries()).containsExactly(AT_HOME, RECLASSED);
        long version = registry.version();
        assertThatThrownBy(() -> registry.put(new Asset("AQ-1", "water_meter", "310101001", 0, 0, Map.of()), 9_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'AQ-1' changes its type from 'air_station' to 'water_meter'");
        assertThat(registry.version()).as("a refused entry changes nothing").isEqualTo(version);
        registry.remove("AQ-1");
        assertThat(registry.history("AQ-1")).isNull();
    }

    @Test
    void theRegistryTellsWhichAssetsChangedSinceAReaderLookedAndEveryAssetOnceItNoLongerKnows() {
        AssetRegistry registry = new AssetRegistry();
        registry.put(AT_HOME);
        long seen = registry.version();
        registry.put(MOVED, 2_500);
        registry.put(new Asset("WM-1", "water_meter", "310101001", 0, 0, Map.of()));
        registry.remove("WM-1");
        assertThat(registry.changedSince(seen)).containsExactly("AQ-1", "WM-1", "WM-1");
        assertThat(registry.changedSince(registry.version())).isEmpty();
        for (int i = 0; i < 1_100; i++) {
            registry.put(RECLASSED, 5_000); // a topic repeating an entry: the kept changes are bounded
        }
        assertThat(registry.changedSince(seen)).as("from before the kept changes: every asset").containsExactly("AQ-1");
        assertThat(registry.changedSince(registry.version() - 2)).containsExactly("AQ-1", "AQ-1");
    }

    @Test
    void validFromIsReadAsEpochMillisecondsOrAnIsoInstantAndWrittenBack() throws IOException {
        String lines = """
                {"id":"AQ-1","type":"air_station","street":"310101001","lat":31.2,"lon":121.5,"attributes":{"station_class":"roadside"}}
                {"id":"AQ-1","type":"air_station","street":"310115002","lat":31.3,"lon":121.6,"attributes":{"station_class":"roadside"},"valid_from":"2025-07-01T00:20:00.500Z"}
                {"id":"AQ-1","type":"air_station","street":"310115002","lat":31.3,"lon":121.6,"attributes":{"station_class":"urban"},"valid_from":1751330400000}
                """;
        AssetRegistry registry = AssetRegistry.read(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "t");
        AssetHistory history = registry.history("AQ-1");
        assertThat(history.entries()).containsExactly(AT_HOME, MOVED, RECLASSED);
        assertThat(history.validFromAt(1)).isEqualTo(1_751_329_200_500L); // 2025-07-01T00:20:00.500Z
        assertThat(history.validFromAt(2)).isEqualTo(1_751_330_400_000L); // 2025-07-01T00:40:00Z

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        registry.write(out);
        AssetRegistry back = AssetRegistry.read(new ByteArrayInputStream(out.toByteArray()), "written");
        assertThat(back.history("AQ-1").entries()).containsExactly(AT_HOME, MOVED, RECLASSED);
        assertThat(back.history("AQ-1").validFromAt(1)).isEqualTo(1_751_329_200_500L);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"valid_from\":1751329200500");
    }

    @Test
    void aBadValidFromFailsTheLoadWithItsLine() {
        String lines = """
                {"id":"AQ-1","type":"air_station","street":"310101001","lat":31.2,"lon":121.5}
                {"id":"AQ-1","type":"air_station","street":"310115002","lat":31.3,"lon":121.6,"valid_from":"noon"}
                """;
        assertThatThrownBy(() -> AssetRegistry.read(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)),
                "assets.jsonl")).isInstanceOf(IOException.class)
                .hasMessageContaining("assets.jsonl:2: bad asset line: valid_from 'noon' is not an ISO-8601 instant");
    }
}
