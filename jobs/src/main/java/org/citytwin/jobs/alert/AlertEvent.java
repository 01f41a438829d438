package org.citytwin.jobs.alert;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;
import org.citytwin.model.alert.AlertTransition;

/**
 * One alert transition of one indicator in one area and run (or, for {@code feed_stopped}, of
 * the run's feed): a row of the {@code alert} measurement (tags condition, indicator, category,
 * area, level, severity, run; fields state, value, threshold, flapping; time = the transition's
 * time, ms) and the input of notifications.
 */
public record AlertEvent(String indicator, String category, String area, String level, String run,
        AlertTransition transition) {

    public static final String MEASUREMENT = "alert";

    public Point toInfluxPoint() {
        return Point.measurement(MEASUREMENT)
                .addTag("condition", transition.condition().label())
                .addTag("indicator", indicator)
                .addTag("category", category)
                .addTag("area", area)
                .addTag("level", level)
                .addTag("severity", transition.severity().label())
                .addTag("run", run)
                .addField("state", transition.kind().label())
                .addField("value", transition.value())
                .addField("threshold", transition.threshold())
                .addField("flapping", transition.flapping())
                .time(transition.time(), WritePrecision.MS);
    }
}
