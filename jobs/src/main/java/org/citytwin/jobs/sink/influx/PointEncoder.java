package org.citytwin.jobs.sink.influx;

import com.influxdb.client.write.Point;
import java.io.Serializable;

/**
 * Turns one stream element into the InfluxDB point that represents it. The point's time must be
 * in milliseconds ({@code WritePrecision.MS}): the sink writes with {@code precision=ms}.
 */
@FunctionalInterface
public interface PointEncoder<T> extends Serializable {
    Point encode(T element);
}
