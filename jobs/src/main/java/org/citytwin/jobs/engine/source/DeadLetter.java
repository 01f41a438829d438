package org.citytwin.jobs.engine.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.citytwin.model.event.Rejection;

/**
 * A rejected feed record: why (reason and detail), where it was read (topic, partition, offset)
 * and the original payload, truncated to {@link #MAX_PAYLOAD_BYTES} so that the letter always fits
 * its sink (Kafka's default limit is 1 MiB, and escaping can make JSON six times larger than the
 * bytes). The source position always finds the whole original. Written as one JSON object.
 */
public record DeadLetter(String reason, String detail, String topic, int partition, long offset, byte[] payload) {

    /** At most this many payload bytes are kept: 64 KiB, escaped at worst 384 KiB of JSON. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeadLetter of(Rejection why, byte[] payload, String topic, int partition, long offset) {
        return new DeadLetter(why.reason().name(), why.detail(), topic, partition, offset, payload);
    }

    /**
     * {@code {"reason","detail","topic","partition","offset","payload"}}; a payload that is not
     * valid UTF-8 is given as {@code payload_base64} instead, so no kept byte is lost. A payload
     * longer than {@link #MAX_PAYLOAD_BYTES} keeps its first bytes, with {@code "payload_truncated":
     * true} and {@code payload_bytes}, its whole length.
     */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode()
                .put("reason", reason)
                .put("detail", detail)
                .put("topic", topic)
                .put("partition", partition)
                .put("offset", offset);
        boolean truncated = payload.length > MAX_PAYLOAD_BYTES;
        ByteBuffer kept = ByteBuffer.wrap(payload, 0, Math.min(payload.length, MAX_PAYLOAD_BYTES));
        try {
            node.put("payload", StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(kept.duplicate()).toString());
        } catch (CharacterCodingException notText) {
            byte[] bytes = new byte[kept.remaining()];
            kept.get(bytes);
            node.put("payload_base64", Base64.getEncoder().encodeToString(bytes));
        }
        if (truncated) {
            node.put("payload_truncated", true).put("payload_bytes", payload.length);
        }
        return node.toString();
    }
}
