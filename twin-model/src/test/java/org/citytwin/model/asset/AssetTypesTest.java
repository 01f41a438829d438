package org.citytwin.model.asset;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AssetTypesTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");

    @Test
    void shanghaiShipsAtLeastFortyAssetTypesWithResolutionsAndTimeouts() {
        assertThat(TYPES.size()).isGreaterThanOrEqualTo(40);
        AssetType air = TYPES.get("air_station");
        assertThat(air.metric("pm25").unit()).isEqualTo("ug/m3");
        assertThat(air.metric("pm25").resolution()).isEqualTo(0.1);
        assertThat(air.metric("pm25").kind()).isEqualTo(MetricKind.GAUGE);
        assertThat(air.silenceTimeoutMs()).isEqualTo(30 * 60_000L);
        assertThat(TYPES.get("metro_gate").metric("entries").kind()).isEqualTo(MetricKind.COUNTER);
        AttributeDef energy = TYPES.get("ev_charger").event("session_end").attributes().get("energy_kwh");
        assertThat(energy.unit()).isEqualTo("kWh");
        assertThat(energy.resolution()).isEqualTo(0.01);
        assertThat(TYPES.get("parking_lot").attribute("capacity").type()).isEqualTo(AttributeType.NUMBER);
        for (AssetType t : TYPES.all()) {
            assertThat(t.metrics().size() + t.events().size()).as(t.name()).isPositive();
        }
    }

    @Test
    void readingsAreQuantizedToTheMetricResolution() {
        MetricDef pm25 = TYPES.get("air_station").metric("pm25");
        assertThat(pm25.toFixed(35.26)).isEqualTo(353L);
        assertThat(pm25.quantize(35.26)).isEqualTo(35.3);
        assertThat(pm25.fromFixed(3)).isEqualTo(0.3);
    }

    @Test
    void registryRoundTripsThroughGzipJsonLinesAndJavaSerialization() throws Exception {
        AssetRegistry r = new AssetRegistry();
        r.put(new Asset("air_station-1", "air_station", "310101002", 31.23, 121.47,
                Map.of("station_class", "national", "elevation", 12.5)));
        r.put(new Asset("parking_lot-1", "parking_lot", "310104003", 31.19, 121.43, Map.of("capacity", 300.0)));
        Path f = Files.createTempFile("registry", ".jsonl.gz");
        r.write(f);
        AssetRegistry back = AssetRegistry.load(f);
        assertThat(back.size()).isEqualTo(2);
        assertThat(back.get("air_station-1")).isEqualTo(r.get("air_station-1"));
        assertThat(back.get("parking_lot-1").attributes()).containsEntry("capacity", 300.0);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(back);
        }
        AssetRegistry copy = (AssetRegistry) new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())).readObject();
        assertThat(copy.get("parking_lot-1")).isEqualTo(r.get("parking_lot-1"));
        copy.put(new Asset("parking_lot-1", "parking_lot", "310104003", 0, 0, Map.of()));
        assertThat(copy.get("parking_lot-1").street()).as("a deserialized registry still takes entries").isEqualTo("310104003");
        Files.delete(f);
    }
}
