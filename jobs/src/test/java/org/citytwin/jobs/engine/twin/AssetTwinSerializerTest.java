package org.citytwin.jobs.engine.twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.citytwin.model.asset.Asset;
import org.citytwin.model.event.Event;
import org.junit.jupiter.api.Test;

/** The twin's serializer gives back every field, the waiting events with their typed attributes included. */
class AssetTwinSerializerTest {

    private static AssetTwin roundTrip(AssetTwin twin) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        AssetTwinSerializer.INSTANCE.serialize(twin, out);
        AssetTwin back = AssetTwinSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(AssetTwinSerializer.INSTANCE.copy(twin)).usingRecursiveComparison().isEqualTo(back);
        return back;
    }

    @Test
    void aTwinWithWaitingEventsIdentitiesAndRememberedPartsComesBackWhole() throws Exception {
        AssetTwin twin = AssetTwin.empty(3);
        twin.values[1] = 420;
        twin.valueTimes[1] = 1_000;
        twin.counters[2] = 7;
        twin.lastSeen = 1_000;
        twin.online = true;
        Event reading = new Event(null, "AQ-1", 2_000, Map.of("aqi", 63.0, "pm25", 12.5), null, Map.of());
        Event alarm = new Event("e-9", "AQ-1", 3_000, Map.of(), "pollution_alert",
                Map.of("level", "orange", "exceedance", 41.5, "confirmed", true));
        twin.hold(reading);
        twin.hold(alarm);
        twin.remember("e-9", 3_000);
        twin.remember("2000|{aqi=63.0, pm25=12.5}", 2_000);
        twin.releaseAt = 3_000;
        twin.silenceTimer = 1_801_000;
        twin.contributing(2, new Asset("AQ-1", "air_station", "310101001", 31.2, 121.5, Map.of("station_class", "roadside")));
        twin.parts[0] = 63;
        twin.memberships[0] = 12;
        twin.followedFrom = 1_751_329_200_500L;

        AssetTwin back = roundTrip(twin);
        assertThat(back.pending).containsExactly(reading, alarm);
        assertThat(back.pending[1].attributes().get("exceedance")).isInstanceOf(Double.class);
        assertThat(back.pending[1].attributes().get("confirmed")).isEqualTo(true);
        assertThat(back.identities).containsExactly("e-9", "2000|{aqi=63.0, pm25=12.5}");
        assertThat(back.firstPending).isEqualTo(2_000);
        assertThat(back.releaseAt).isEqualTo(3_000);
        assertThat(back.silenceTimer).isEqualTo(1_801_000);
        assertThat(back.street).isEqualTo("310101001");
        assertThat(back.parts).containsExactly(63, 0);
        assertThat(back.followedFrom).isEqualTo(1_751_329_200_500L);
        assertThat(back.memberships).containsExactly(12, 0);
        assertThat(back.releaseUpTo(2_500)).containsExactly(reading);
    }

    @Test
    void aFreshTwinHasNoRememberedPartsYet() throws Exception {
        AssetTwin back = roundTrip(AssetTwin.empty(1));
        assertThat(back.street).isNull();
        assertThat(back.parts).isNull();
        assertThat(back.memberships).isNull();
        assertThat(back.pending).isEmpty();
        assertThat(back.values).containsExactly(AssetTwin.NONE);
        assertThat(List.of(back.firstPending, back.oldestIdentity)).containsOnly(Long.MAX_VALUE);
    }

    @Test
    void aTwinWrittenInAnotherLayoutIsRefusedAtRestoreNotMisread() throws Exception {
        AssetTwinSerializer.Snapshot current = new AssetTwinSerializer.Snapshot();
        AssetTwinSerializer.Snapshot restored = new AssetTwinSerializer.Snapshot();
        restored.readSnapshot(AssetTwinSerializer.Snapshot.LAYOUT, null, getClass().getClassLoader());
        assertThat(current.resolveSchemaCompatibility(restored).isCompatibleAsIs()).isTrue();
        AssetTwinSerializer.Snapshot firstLayout = new AssetTwinSerializer.Snapshot();
        firstLayout.readSnapshot(3, null, getClass().getClassLoader()); // what Flink's simple snapshot wrote
        assertThat(current.resolveSchemaCompatibility(firstLayout).isIncompatible()).isTrue();
        AssetTwinSerializer.Snapshot beforeRegistryHistories = new AssetTwinSerializer.Snapshot();
        beforeRegistryHistories.readSnapshot(4, null, getClass().getClassLoader());
        assertThat(current.resolveSchemaCompatibility(beforeRegistryHistories).isIncompatible()).isTrue();
    }
}
