package org.citytwin.jobs.engine.metrics;

import com.influxdb.client.domain.WritePrecision;
import com.influxdb.client.write.Point;

/**
 * A self-metric of the engine for the {@code engine} measurement: how many records one operator
 * subtask read, applied, dead-lettered (per reason) or points it wrote since the run began (a
 * total, see {@link EngineCounters}), its watermark lag, the InfluxDB write requests its sink
 * retried since the run began ({@code influx_write_retries}), or the duration of one completed
 * checkpoint ({@code checkpoint_duration_ms}, see {@link CheckpointTiming}). Timed by the engine's
 * clock (processing time): it describes the engine, not the city.
 */
public record EngineSample(String metric, String reason, String operator, int subtask, String run, long time,
        double value) {

    public static final String MEASUREMENT = "engine";

    /**
     * InfluxQL for the account of run {@code %s}: per metric and reason, the sum over operator
     * subtasks of their last total of records and points. Settled, {@code records_read} =
     * {@code records_applied} + the sum of {@code dead_letters}. After a rescale, restrict it to
     * samples since the restart.
     */
    public static final String ACCOUNT_QUERY = "SELECT sum(\"last\") FROM (SELECT last(\"value\") FROM \"engine\" "
            + "WHERE \"run\" = '%s' AND \"metric\" =~ /^(records_read|records_applied|dead_letters|points_written)$/ "
            + "GROUP BY \"operator\", \"subtask\", \"metric\", \"reason\") GROUP BY \"metric\", \"reason\"";

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
