package org.citytwin.jobs.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.citytwin.model.event.Event;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.event.Rejection;
import org.junit.jupiter.api.Test;

/** Feed records cross the network with every field: the event's typed attributes, the rejection, the payload and where it was read. */
class FeedRecordSerializerTest {

    private static FeedRecord roundTrip(FeedRecord record) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        FeedRecordSerializer.INSTANCE.serialize(record, out);
        FeedRecord back = FeedRecordSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(FeedRecordSerializer.INSTANCE.copy(record)).usingRecursiveComparison().isEqualTo(back);
        return back;
    }

    @Test
    void anAcceptedEventComesBackWithItsTypedAttributesAndItsPartitionsWatermark() throws Exception {
        Event alarm = new Event("e-9", "AQ-1", 3_000, Map.of(), "pollution_alert",
                Map.of("level", "orange", "exceedance", 41.5, "confirmed", true));
        byte[] payload = "{\"asset\":\"AQ-1\"}".getBytes(StandardCharsets.UTF_8);
        FeedRecord back = roundTrip(new FeedRecord(alarm, null, payload, "city-feed", 3, 1234L, 2_500L));
        assertThat(back.event()).isEqualTo(alarm);
        assertThat(back.event().attributes().get("exceedance")).isInstanceOf(Double.class);
        assertThat(back.event().attributes().get("confirmed")).isEqualTo(true);
        assertThat(back.rejection()).isNull();
        assertThat(back.payload()).isEqualTo(payload);
        assertThat(back.topic()).isEqualTo("city-feed");
        assertThat(back.partition()).isEqualTo(3);
        assertThat(back.offset()).isEqualTo(1234L);
        assertThat(back.partitionWatermark()).isEqualTo(2_500L);
    }

    @Test
    void aRejectedRecordComesBackWithItsReasonAndDetailAndNoEvent() throws Exception {
        Event reading = new Event(null, "WS-7", 1_000, Map.of("pressure", 0.31), null, Map.of());
        assertThat(roundTrip(new FeedRecord(reading, null, null, null, 0, 0L)).event()).isEqualTo(reading);

        FeedRecord back = roundTrip(new FeedRecord(null, new Rejection(RejectReason.MALFORMED_JSON, "line 1: unexpected '}'"),
                new byte[] {'}'}, "city-feed", 0, 7L));
        assertThat(back.event()).isNull();
        assertThat(back.rejection()).isEqualTo(new Rejection(RejectReason.MALFORMED_JSON, "line 1: unexpected '}'"));
        assertThat(back.partitionWatermark()).isEqualTo(Long.MIN_VALUE);
    }
}
