package org.citytwin.jobs.sink.notify;

import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.citytwin.jobs.alert.AlertEvent;

/**
 * Delivers FIRING and RESOLVED alert events of the runs a {@link Receiver} serves to it; other
 * events and runs are dropped here (drill isolation holds even if a receiver is misrouted).
 * Undelivered notifications are writer state, so delivery is at-least-once across restarts.
 */
public final class NotificationSink implements Sink<AlertEvent>, SupportsWriterState<AlertEvent, NotificationBacklog> {

    private static final long serialVersionUID = 1L;

    private final Receiver receiver;
    private final NotificationText text;
    private final String externalUrl;

    public NotificationSink(Receiver receiver, NotificationText text, String externalUrl) {
        this.receiver = receiver;
        this.text = text;
        this.externalUrl = externalUrl;
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
        return new NotificationWriter(receiver, text, externalUrl, context.metricGroup(), recovered);
    }

    @Override
    public SimpleVersionedSerializer<NotificationBacklog> getWriterStateSerializer() {
        return new NotificationBacklog.Serializer();
    }
}
