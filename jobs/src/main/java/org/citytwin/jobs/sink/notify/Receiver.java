package org.citytwin.jobs.sink.notify;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One notification target from the receivers file: a generic {@code webhook} (gets the
 * Alertmanager webhook payload, version 4) or an {@code alertmanager} (gets {@code POST
 * /api/v2/alerts}); the runs it serves ({@code live}, {@code drill} for every run other than
 * live, or a drill's own id); the HMAC secret (resolved, never printed) and delivery limits.
 */
public record Receiver(String name, Kind kind, String url, List<String> runs, String secret, Duration timeout,
        int maxInFlight, Duration maxBackoff, Duration resendInterval) implements Serializable {

    /** The live run's id; every other run is a drill. */
    public static final String LIVE = "live";

    /** How the receiver is spoken to. */
    public enum Kind { WEBHOOK, ALERTMANAGER }

    public Receiver {
        runs = List.copyOf(runs);
    }

    /** Drill isolation: a drill never reaches a receiver that only serves {@code live}, and vice versa. */
    public boolean serves(String run) {
        return runs.contains(run) || (!LIVE.equals(run) && runs.contains("drill"));
    }

    @Override
    public String toString() {
        return "Receiver[" + name + " " + kind + " " + url + " runs=" + runs + (secret == null ? "" : " signed") + "]";
    }
}
