package org.citytwin.model.sim;

import java.nio.charset.StandardCharsets;

/** One simulated feed record: its class, the asset id (Kafka key), the event time and the JSON bytes. */
public record SimRecord(RecordClass recordClass, String key, long time, byte[] json) {
    public String text() { return new String(json, StandardCharsets.UTF_8); }
}
