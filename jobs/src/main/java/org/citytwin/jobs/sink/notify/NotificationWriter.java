package org.citytwin.jobs.sink.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.citytwin.jobs.alert.AlertEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications over {@code maxInFlight} lanes; a notification's lane is chosen by its
 * fingerprint, so the transitions of one alert arrive in order while different alerts proceed in
 * parallel. A lane retries its head on network errors, timeouts, 408, 429 and 5xx with
 * exponential backoff (200 ms doubling up to {@code maxBackoff}) and full jitter (a uniform delay
 * between half and all of it), until it is delivered; any other 4xx is logged with the response
 * and counted ({@code notificationsRejected}), never retried. Everything not yet delivered is in
 * the checkpointed {@link NotificationBacklog}; for Alertmanager the firing alerts are too, and
 * are re-sent every {@code resendInterval} while they fire.
 */
final class NotificationWriter implements StatefulSinkWriter<AlertEvent, NotificationBacklog> {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationWriter.class);
    private static final long FIRST_BACKOFF_MS = 200;
    /** Beyond this many undelivered notifications, {@code write} waits: backpressure, never a drop. */
    static final int MAX_UNDELIVERED = 10_000;

    private final Receiver receiver;
    private final NotificationText text;
    private final String externalUrl;
    private final HttpClient http;
    private final ConcurrentSkipListMap<Long, Notification> undelivered = new ConcurrentSkipListMap<>();
    private final Map<String, Notification> active = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<LinkedBlockingQueue<Long>> lanes = new ArrayList<>();
    private final List<Thread> senders = new ArrayList<>();
    private final ScheduledExecutorService resender;
    private final Counter delivered;
    private final Counter retries;
    private final Counter rejected;
    private volatile boolean closed;

    NotificationWriter(Receiver receiver, NotificationText text, String externalUrl, MetricGroup metrics,
            Collection<NotificationBacklog> recovered) {
        this.receiver = receiver;
        this.text = text;
        this.externalUrl = externalUrl;
        // HTTP/1.1: the default (HTTP/2) first tries an h2c upgrade on plain http://, which webhook
        // receivers rarely speak
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(receiver.timeout()).build();
        this.delivered = metrics.counter("notificationsDelivered");
        this.retries = metrics.counter("notificationRetries");
        this.rejected = metrics.counter("notificationsRejected");
        for (int i = 0; i < receiver.maxInFlight(); i++) {
            LinkedBlockingQueue<Long> lane = new LinkedBlockingQueue<>();
            lanes.add(lane);
            Thread sender = new Thread(() -> drain(lane), "notify-" + receiver.name() + "-" + i);
            sender.setDaemon(true);
            senders.add(sender);
        }
        for (NotificationBacklog backlog : recovered) {
            backlog.active().forEach(n -> active.put(n.fingerprint(), n));
            backlog.undelivered().forEach(this::enqueue);
        }
        senders.forEach(Thread::start);
        if (receiver.kind() == Receiver.Kind.ALERTMANAGER) {
            long every = receiver.resendInterval().toMillis();
            resender = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "notify-" + receiver.name() + "-resend");
                t.setDaemon(true);
                return t;
            });
            resender.scheduleAtFixedRate(this::resendActive, every, every, TimeUnit.MILLISECONDS);
        } else {
            resender = null;
        }
    }

    @Override
    public void write(AlertEvent event, Context context) throws IOException, InterruptedException {
        if (!receiver.serves(event.run()) || !event.transition().kind().notified()) {
            return;
        }
        Notification n = text.of(event);
        if (receiver.kind() == Receiver.Kind.ALERTMANAGER) {
            if (n.firing()) {
                active.put(n.fingerprint(), n);
            } else {
                active.remove(n.fingerprint());
            }
        }
        enqueue(n);
        while (undelivered.size() >= MAX_UNDELIVERED && !closed) {
            Thread.sleep(10);
        }
    }

    private void enqueue(Notification n) {
        long id = sequence.incrementAndGet();
        undelivered.put(id, n);
        lanes.get(Math.floorMod(n.fingerprint().hashCode(), lanes.size())).add(id);
    }

    /** Alertmanager forgets a firing alert at its {@code endsAt}: re-send each one not already on its way. */
    private void resendActive() {
        for (Notification n : active.values()) {
            boolean queued = undelivered.values().stream().anyMatch(q -> q.fingerprint().equals(n.fingerprint()));
            if (!queued) {
                enqueue(n);
            }
        }
    }

    private void drain(LinkedBlockingQueue<Long> lane) {
        try {
            while (!closed) {
                Long id = lane.take();
                Notification n = undelivered.get(id);
                if (n != null && deliver(n)) {
                    undelivered.remove(id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing: what is left stays in the last checkpoint's backlog
        }
    }

    /** True once the notification is delivered or rejected for good; retries until then. */
    private boolean deliver(Notification n) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            String why;
            try {
                HttpResponse<String> response = http.send(request(n), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    delivered.inc();
                    return true;
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    rejected.inc();
                    LOG.error("Receiver {} rejected the {} notification of alert {} {}: HTTP {} {}; not retried",
                            receiver.name(), n.status(), n.fingerprint(), n.labels(), status, response.body());
                    return true;
                }
                why = "HTTP " + status + " " + response.body();
            } catch (IOException e) {
                why = e.toString();
            }
            retries.inc();
            long backoff = Math.min(receiver.maxBackoff().toMillis(), FIRST_BACKOFF_MS << Math.min(attempt, 20));
            long delay = ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1);
            LOG.warn("Notification of alert {} to {} failed ({}); retry {} in {} ms", n.fingerprint(),
                    receiver.name(), why, attempt + 1, delay);
            Thread.sleep(delay);
        }
    }

    private HttpRequest request(Notification n) {
        byte[] body;
        URI uri;
        if (receiver.kind() == Receiver.Kind.ALERTMANAGER) {
            body = Payloads.alertmanager(n, System.currentTimeMillis() + 4 * receiver.resendInterval().toMillis());
            uri = URI.create(receiver.url().replaceAll("/+$", "") + "/api/v2/alerts");
        } else {
            body = Payloads.webhook(receiver.name(), n, externalUrl);
            uri = URI.create(receiver.url());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(receiver.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (receiver.secret() != null) {
            request.header(Signature.HEADER, Signature.of(receiver.secret(), body));
        }
        return request.build();
    }

    /** Number of notifications not yet delivered (queued or in flight). */
    int undelivered() {
        return undelivered.size();
    }

    @Override
    public List<NotificationBacklog> snapshotState(long checkpointId) {
        return List.of(new NotificationBacklog(new ArrayList<>(undelivered.values()), new ArrayList<>(active.values())));
    }

    /** At the end of a bounded input, waits until every notification is delivered or rejected. */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        while (endOfInput && !undelivered.isEmpty() && !closed) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        closed = true;
        senders.forEach(Thread::interrupt);
        if (resender != null) {
            resender.shutdownNow();
        }
    }
}
