package org.citytwin.jobs.engine;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;

/**
 * One value of one indicator for one area at the end of one tick or window: a row of the
 * {@code indicator} measurement (tags id, category, area, level, run; field value; time = tick
 * end in event time, ms). The tags and time identify the point, so writing it again overwrites it.
 */
public record IndicatorPoint(String id, String category, String area, String level, String run,
        long time, double value) {

    public static final String MEASUREMENT = "indicator";

    /** The InfluxDB point for this value. */
    public Point toInfluxPoint() {
        return Point.measurement(MEASUREMENT)
                .addTag("id", id)
                .addTag("category", category)
                .addTag("area", area)
                .addTag("level", level)
                .addTag("run", run)
                .addField("value", value)
                .time(time, WritePrecision.MS);
    }
}
