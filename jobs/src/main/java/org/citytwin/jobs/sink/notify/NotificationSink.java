package org.citytwin.jobs.sink.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;

/**
 * Delivers FIRING and RESOLVED alert events of the runs a {@link Receiver} serves to it; other
 * events and runs are dropped here (drill isolation holds even if a receiver is misrouted).
 * Undelivered notifications are writer state, so delivery is at-least-once across restarts;
 * notifications the receiver rejects (4xx) become dead letters ({@link RejectedNotifications}).
 */
public final class NotificationSink implements Sink<AlertEvent>, SupportsWriterState<AlertEvent, NotificationBacklog> {

    private static final long serialVersionUID = 1L;
    /**
     * Histogram metric of the delay from an alert event reaching the sink (chained to {@code
     * AlertFunction}, so the moment its point was evaluated) to the receiver's final answer, in ms.
     */
    public static final String DELAY_METRIC = "notificationDelayMs";

    private final Receiver receiver;
    private final NotificationText text;
    private final String externalUrl;
    private final RejectedNotifications deadLetters;

    public NotificationSink(Receiver receiver, NotificationText text, String externalUrl,
            RejectedNotifications deadLetters) {
        this.receiver = receiver;
        this.text = text;
        this.externalUrl = externalUrl;
        this.deadLetters = deadLetters;
    }

    public Receiver receiver() {
        return receiver;
    }

    @Override
    public StatefulSinkWriter<AlertEvent, NotificationBacklog> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<AlertEvent, NotificationBacklog> restoreWriter(WriterInitContext context,
            Collection<NotificationBacklog> recovered) {
        try {
            return new NotificationWriter(receiver, text, externalUrl, context.metricGroup(),
                    deadLetters.open(receiver.name(), context.getTaskInfo().getIndexOfThisSubtask()), recovered);
        } catch (IOException e) {
            throw new UncheckedIOException("dead letters of receiver " + receiver.name(), e);
        }
    }

    @Override
    public SimpleVersionedSerializer<NotificationBacklog> getWriterStateSerializer() {
        return new NotificationBacklog.Serializer();
    }
}
