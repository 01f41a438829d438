package org.citytwin.jobs.sink.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/** The two wire formats: Alertmanager's webhook payload (version 4) and its API v2 alert list. */
final class Payloads {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Alertmanager puts in {@code endsAt} of a firing alert in webhook payloads. */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private Payloads() {}

    /** One notification as a webhook group of one alert: group labels are all its labels. */
    static byte[] webhook(String receiver, Notification n, String externalUrl) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "4");
        root.put("groupKey", "{}:{" + n.labels().entrySet().stream()
                .map(e -> e.getKey() + "=\"" + e.getValue() + "\"").collect(Collectors.joining(", ")) + "}");
        root.put("truncatedAlerts", 0);
        root.put("status", n.status());
        root.put("receiver", receiver);
        root.set("groupLabels", map(n.labels()));
        root.set("commonLabels", map(n.labels()));
        root.set("commonAnnotations", map(n.annotations()));
        root.put("externalURL", externalUrl);
        ObjectNode alert = root.putArray("alerts").addObject();
        alert.put("status", n.status());
        alert.set("labels", map(n.labels()));
        alert.set("annotations", map(n.annotations()));
        alert.put("startsAt", time(n.startsAt()));
        alert.put("endsAt", n.firing() ? ZERO_TIME : time(n.endsAt()));
        alert.put("generatorURL", n.generatorUrl());
        alert.put("fingerprint", n.fingerprint());
        return bytes(root);
    }

    /**
     * {@code POST /api/v2/alerts} body. A firing alert carries {@code endsAt} = {@code validUntil}
     * (as Prometheus sends now + 4 resend intervals), so Alertmanager resolves it by itself if the
     * job stops re-sending; a resolved one carries its resolve time.
     */
    static byte[] alertmanager(Notification n, long validUntil) {
        ArrayNode root = JSON.createArrayNode();
        ObjectNode alert = root.addObject();
        alert.set("labels", map(n.labels()));
        alert.set("annotations", map(n.annotations()));
        alert.put("startsAt", time(n.startsAt()));
        alert.put("endsAt", time(n.firing() ? validUntil : n.endsAt()));
        alert.put("generatorURL", n.generatorUrl());
        return bytes(root);
    }

    private static ObjectNode map(Map<String, String> values) {
        ObjectNode node = JSON.createObjectNode();
        values.forEach(node::put);
        return node;
    }

    private static String time(long epochMs) {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }
}
