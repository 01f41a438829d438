package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Time-series panels over the {@code engine} measurement, shared by the wall screen and the engine dashboard. */
final class FeedHealth {
    private FeedHealth() {}

    static ObjectNode recordsPerSecond(PanelGrid grid, int w, int h) {
        return rate(grid, "读入记录 Records read /s", "records_read", w, h);
    }

    static ObjectNode pointsPerSecond(PanelGrid grid, int w, int h) {
        return rate(grid, "写入点 Points written /s", "points_written", w, h);
    }

    static ObjectNode deadLetters(PanelGrid grid, int w, int h) {
        ObjectNode p = series(grid, "死信 Dead letters by reason", w, h, "short");
        Panels.target(p, "A", InfluxQl.engineCountByReason("dead_letters"), "$tag_reason", false);
        return p;
    }

    static ObjectNode watermarkLag(PanelGrid grid, int w, int h) {
        ObjectNode p = series(grid, "水位线延迟 Watermark lag", w, h, "ms");
        Panels.target(p, "A", InfluxQl.watermarkLag(), "$tag_operator", false);
        return p;
    }

    static ObjectNode writeRetries(PanelGrid grid, int w, int h) {
        ObjectNode p = series(grid, "InfluxDB 写入重试 Write retries", w, h, "short");
        p.put("description", "InfluxDB write requests the points sink retried (429, 5xx or no answer), per interval.");
        Panels.target(p, "A", InfluxQl.engineCount("influx_write_retries", "retries"), "retries", false);
        return p;
    }

    static ObjectNode checkpointDuration(PanelGrid grid, int w, int h) {
        ObjectNode p = series(grid, "检查点耗时 Checkpoint duration", w, h, "ms");
        p.put("description", "From the JobManager triggering a checkpoint to the job being told it completed, "
                + "longest per interval.");
        Panels.target(p, "A", InfluxQl.checkpointDuration(), "duration", false);
        return p;
    }

    private static ObjectNode rate(PanelGrid grid, String title, String metric, int w, int h) {
        ObjectNode p = series(grid, title, w, h, "short");
        Panels.target(p, "A", InfluxQl.engineRate(metric), metric, false);
        return p;
    }

    private static ObjectNode series(PanelGrid grid, String title, int w, int h, String unit) {
        ObjectNode p = Panels.panel(grid, "timeseries", title, w, h);
        Panels.fieldConfig(p, unit, null).putObject("custom").put("drawStyle", "line").put("lineWidth", 2);
        p.putObject("options").putObject("legend").put("displayMode", "list").put("placement", "bottom")
                .put("showLegend", true);
        return p;
    }
}
