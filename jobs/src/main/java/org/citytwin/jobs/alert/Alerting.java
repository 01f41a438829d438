package org.citytwin.jobs.alert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.jobs.sink.deadletter.RejectedNotifications;
import org.citytwin.jobs.sink.influx.InfluxDbEndpoint;
import org.citytwin.jobs.sink.influx.InfluxDbSink;
import org.citytwin.jobs.sink.notify.NotificationSink;
import org.citytwin.jobs.sink.notify.NotificationText;
import org.citytwin.jobs.sink.notify.Receivers;
import org.citytwin.model.alert.FeedStoppedRule;
import org.citytwin.model.plan.EvaluationPlan;

/**
 * The alert branch of the engine: points of indicators with thresholds → {@link AlertFunction}
 * (keyed by indicator, area and run: thresholds and no-data), plus the areas' watermarks → {@link
 * FeedWatch} (the run's feed-stopped alert) → every named sink (the {@code alert} measurement, one
 * per notification receiver). A sink's name is part of its uid, so it keeps its state across restarts.
 */
public record Alerting(int flapMaxChanges, Duration flapWindow, Duration feedStoppedAfter,
        Map<String, Sink<AlertEvent>> sinks) {

    public Alerting {
        sinks = new LinkedHashMap<>(sinks);
    }

    /**
     * The branch as the options describe it: the {@code alert} measurement in InfluxDB, plus one
     * notification sink per receiver of the receivers file that serves this run (none for a drill
     * without drill receivers).
     */
    public static Alerting fromOptions(Configuration options, Map<String, String> environment, EvaluationPlan plan,
            InfluxDbEndpoint influx) {
        Map<String, Sink<AlertEvent>> sinks = new LinkedHashMap<>();
        sinks.put("influxdb", InfluxDbSink.builder(influx, AlertEvent::toInfluxPoint).build());
        NotificationText text = new NotificationText(plan, options.get(TwinOptions.ALERTS_DASHBOARD_URL));
        options.getOptional(TwinOptions.ALERTS_RECEIVERS_FILE).ifPresent(file -> Receivers
                .forRun(Receivers.load(Path.of(file), environment), options.get(TwinOptions.RUN))
                .forEach(r -> sinks.put(r.name(), new NotificationSink(r, text, options.get(TwinOptions.ALERTS_EXTERNAL_URL),
                        RejectedNotifications.fromOptions(options)))));
        return new Alerting(options.get(TwinOptions.ALERTS_FLAP_MAX_CHANGES), options.get(TwinOptions.ALERTS_FLAP_WINDOW),
                options.get(TwinOptions.ALERTS_FEED_STOPPED_AFTER), sinks);
    }

    /**
     * Adds the branch to the points' pipeline of run {@code run} and returns the indicators' alert
     * events. Each sink is attached twice, to the keyed alerts (chained to them: no network hop
     * before a notification) and to the feed watch (uid {@code feed-alert-sink-<name>}, parallelism 1).
     */
    public DataStream<AlertEvent> attach(DataStream<IndicatorPoint> points, EvaluationPlan plan, long allowedLatenessMs,
            String run) {
        DataStream<AlertEvent> feed = points
                .filter(point -> false).name("watermarks only").uid("feed-watch-filter")
                .transform("feed watch", TypeInformation.of(AlertEvent.class),
                        new FeedWatch(new FeedStoppedRule(feedStoppedAfter.toMillis()), run, plan.topology().city().code()))
                .setParallelism(1).uid("feed-watch");
        DataStream<AlertEvent> events = points
                .filter(point -> AlertFunction.hasRule(plan, point)).name("points with thresholds").uid("alert-filter")
                .keyBy(AlertFunction::key)
                .process(new AlertFunction(plan, allowedLatenessMs, flapMaxChanges, flapWindow.toMillis()))
                .name("alerts").uid("alerts");
        sinks.forEach((name, sink) -> {
            events.sinkTo(sink).name("alerts to " + name).uid("alert-sink-" + name);
            feed.sinkTo(sink).name("feed alerts to " + name).uid("feed-alert-sink-" + name).setParallelism(1);
        });
        return events;
    }
}
