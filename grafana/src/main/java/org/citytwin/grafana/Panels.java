package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.citytwin.model.catalog.Alert;

/** The panel and target JSON shared by the dashboards: raw InfluxQL targets, threshold steps, field config. */
final class Panels {
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Panels() {}

    /** A panel of {@code type} with its id, position and title (the targets are added by the caller). */
    static ObjectNode panel(PanelGrid grid, String type, String title, int w, int h) {
        ObjectNode p = JSON.objectNode();
        p.put("id", grid.nextId());
        p.put("type", type);
        p.put("title", title);
        p.set("gridPos", grid.place(w, h));
        p.set("datasource", Datasource.ref());
        p.putArray("targets");
        return p;
    }

    /** Adds a raw InfluxQL target; {@code table} turns group-by tags into columns (for tables and the map). */
    static ObjectNode target(ObjectNode panel, String refId, String query, String alias, boolean table) {
        ObjectNode t = ((ArrayNode) panel.get("targets")).addObject();
        t.put("refId", refId);
        t.set("datasource", Datasource.ref());
        t.put("rawQuery", true);
        t.put("query", query);
        t.put("resultFormat", table ? "table" : "time_series");
        if (alias != null) {
            t.put("alias", alias);
        }
        return t;
    }

    /** Field defaults: unit, and the catalog's alert thresholds as colour steps (green when none). */
    static ObjectNode fieldConfig(ObjectNode panel, String grafanaUnit, Alert alert) {
        ObjectNode fc = panel.putObject("fieldConfig");
        ObjectNode defaults = fc.putObject("defaults");
        defaults.put("unit", grafanaUnit);
        defaults.putObject("color").put("mode", "thresholds");
        defaults.set("thresholds", thresholds(alert));
        fc.putArray("overrides");
        return defaults;
    }

    /**
     * Threshold steps: above-alerts are green, orange from warning, red from critical; below-alerts
     * the other way round (red up to critical, orange up to warning, green from warning).
     */
    static ObjectNode thresholds(Alert alert) {
        ObjectNode t = JSON.objectNode();
        t.put("mode", "absolute");
        ArrayNode steps = t.putArray("steps");
        if (alert == null) {
            step(steps, "green", null);
        } else if (alert.direction() == Alert.Direction.ABOVE) {
            step(steps, "green", null);
            step(steps, "orange", alert.warning());
            step(steps, "red", alert.critical());
        } else {
            step(steps, "red", null);
            step(steps, "orange", alert.critical());
            step(steps, "green", alert.warning());
        }
        return t;
    }

    private static void step(ArrayNode steps, String color, Double value) {
        ObjectNode s = steps.addObject();
        s.put("color", color);
        if (value == null) {
            s.putNull("value");
        } else {
            s.put("value", value);
        }
    }

    /** A stat panel showing the latest value, coloured by thresholds. */
    static void statOptions(ObjectNode panel, String textMode) {
        ObjectNode o = panel.putObject("options");
        o.put("colorMode", "background");
        o.put("graphMode", "none");
        o.put("justifyMode", "center");
        o.put("textMode", textMode);
        o.put("orientation", "vertical");
        ObjectNode calc = o.putObject("reduceOptions");
        calc.putArray("calcs").add("lastNotNull");
        calc.put("fields", "");
        calc.put("values", false);
    }
}
