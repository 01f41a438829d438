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
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.jobs.engine.source.DeadLetter;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications over {@code maxInFlight} lanes; a notification's lane is chosen by its
 * fingerprint, so the transitions of one alert arrive in order while different alerts proceed in
 * parallel. A lane retries its head on network errors, timeouts, 408, 429 and 5xx with
 * exponential backoff (200 ms doubling up to {@code maxBackoff}) and full jitter (a uniform delay
 * between half and all of it), until it is delivered; any other 4xx is never retried: it becomes a
 * dead letter with the receiver's answer ({@link RejectedNotifications}), is logged and counted
 * ({@code notificationsRejected}), and leaves the backlog only once the letter is written. Everything not yet delivered is in
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
    private final RejectedNotifications.Box deadLetters;
    /** When each notification of this writer's lifetime reached {@code write} (re-sends and restored ones have none). */
    private final Map<Long, Long> writtenAt = new ConcurrentHashMap<>();
    private final Histogram delay;
    private volatile boolean closed;

    NotificationWriter(Receiver receiver, NotificationText text, String externalUrl, MetricGroup metrics,
            RejectedNotifications.Box deadLetters, Collection<NotificationBacklog> recovered) {
        this.receiver = receiver;
        this.deadLetters = deadLetters;
        this.text = text;
        this.externalUrl = externalUrl;
        // HTTP/1.1: the default (HTTP/2) first tries an h2c upgrade on plain http://, which webhook
        // receivers rarely speak
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(receiver.timeout()).build();
        this.delivered = metrics.counter("notificationsDelivered");
        this.retries = metrics.counter("notificationRetries");
        this.rejected = metrics.counter("notificationsRejected");
        this.delay = metrics.histogram(NotificationSink.DELAY_METRIC, new DescriptiveStatisticsHistogram(10_000));
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
        writtenAt.put(enqueue(n), System.nanoTime());
        while (undelivered.size() >= MAX_UNDELIVERED && !closed) {
            Thread.sleep(10);
        }
    }

    private long enqueue(Notification n) {
        long id = sequence.incrementAndGet();
        undelivered.put(id, n);
        lanes.get(Math.floorMod(n.fingerprint().hashCode(), lanes.size())).add(id);
        return id;
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
                    Long written = writtenAt.remove(id);
                    if (written != null) {
                        delay.update(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
                    }
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
            byte[] body = body(n);
            try {
                HttpResponse<String> response = http.send(request(body), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    delivered.inc();
                    return true;
                }
                if (status / 100 == 4 && status != 408 && status != 429) {
                    LOG.error("Receiver {} rejected the {} notification of alert {} {}: HTTP {} {}; not retried, dead-lettered",
                            receiver.name(), n.status(), n.fingerprint(), n.labels(), status, response.body());
                    deadLetter(RejectedNotifications.letter(receiver.name(), status, response.body(), body));
                    rejected.inc();
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

    /** Writes the letter, retrying (with the delivery backoff) while the dead-letter topic or file cannot take it. */
    private void deadLetter(DeadLetter letter) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                deadLetters.post(letter);
                return;
            } catch (IOException e) {
                long backoff = Math.min(receiver.maxBackoff().toMillis(), FIRST_BACKOFF_MS << Math.min(attempt, 20));
                LOG.warn("Dead letter of a notification to {} not written ({}); retry in {} ms", receiver.name(), e, backoff);
                Thread.sleep(backoff);
            }
        }
    }

    private byte[] body(Notification n) {
        return receiver.kind() == Receiver.Kind.ALERTMANAGER
                ? Payloads.alertmanager(n, System.currentTimeMillis() + 4 * receiver.resendInterval().toMillis())
                : Payloads.webhook(receiver.name(), n, externalUrl);
    }

    private HttpRequest request(byte[] body) {
        URI uri = receiver.kind() == Receiver.Kind.ALERTMANAGER
                ? URI.create(receiver.url().replaceAll("/+$", "") + "/api/v2/alerts")
                : URI.create(receiver.url());
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
        deadLetters.close();
    }
}
