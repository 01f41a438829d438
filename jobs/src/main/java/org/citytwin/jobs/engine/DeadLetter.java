package org.citytwin.jobs.engine;

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
 * and the original payload, unchanged. Written as one JSON object per record.
 */
public record DeadLetter(String reason, String detail, String topic, int partition, long offset, byte[] payload) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static DeadLetter of(Rejection why, byte[] payload, String topic, int partition, long offset) {
        return new DeadLetter(why.reason().name(), why.detail(), topic, partition, offset, payload);
    }

    /**
     * {@code {"reason","detail","topic","partition","offset","payload"}}; a payload that is not
     * valid UTF-8 is given as {@code payload_base64} instead, so no byte is lost.
     */
    public String toJson() {
        ObjectNode node = JSON.createObjectNode()
                .put("reason", reason)
                .put("detail", detail)
                .put("topic", topic)
                .put("partition", partition)
                .put("offset", offset);
        try {
            node.put("payload", StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException notText) {
            node.put("payload_base64", Base64.getEncoder().encodeToString(payload));
        }
        return node.toString();
    }
}
