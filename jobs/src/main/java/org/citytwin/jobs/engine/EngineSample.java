package org.citytwin.jobs.engine;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;

/**
 * A self-metric of the engine for the {@code engine} measurement: how many records one operator
 * subtask accepted or rejected (per reason) since its previous sample, and its watermark lag.
 * Timed by the engine's clock (processing time): it describes the engine, not the city.
 */
public record EngineSample(String metric, String reason, String operator, int subtask, String run, long time,
        double value) {

    public static final String MEASUREMENT = "engine";

    public Point toInfluxPoint() {
        return Point.measurement(MEASUREMENT)
                .addTag("metric", metric)
                .addTag("reason", reason)
                .addTag("operator", operator)
                .addTag("subtask", Integer.toString(subtask))
                .addTag("run", run)
                .addField("value", value)
                .time(time, WritePrecision.MS);
    }
}
