package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The engine's health from its {@code engine} measurement: records read and points written per
 * second, dead letters by reason, watermark lag per operator, InfluxDB write retries, checkpoint
 * duration.
 */
final class EngineBoard {
    static final String UID = "ct-engine-health";

    private EngineBoard() {}

    static ObjectNode build() {
        ObjectNode d = DashboardShell.dashboard(UID, "引擎健康 / Engine health", "10s", "now-1h");
        ((ArrayNode) d.get("tags")).add("engine");
        DashboardShell.addRunVariable(d);
        DashboardShell.addDashboardsLink(d);
        PanelGrid grid = new PanelGrid();
        ArrayNode panels = DashboardShell.panels(d);
        panels.add(FeedHealth.recordsPerSecond(grid, 12, 9));
        panels.add(FeedHealth.pointsPerSecond(grid, 12, 9));
        panels.add(FeedHealth.deadLetters(grid, 12, 9));
        panels.add(FeedHealth.watermarkLag(grid, 12, 9));
        panels.add(FeedHealth.writeRetries(grid, 12, 9));
        panels.add(FeedHealth.checkpointDuration(grid, 12, 9));
        return d;
    }
}
