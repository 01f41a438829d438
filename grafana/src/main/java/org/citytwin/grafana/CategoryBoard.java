package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.citytwin.model.catalog.Aggregation;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.topology.CityTopology;

/**
 * One category's dashboard: a panel for every indicator of the category (a stat for counts, a time
 * series otherwise), thresholds from its alert block, its description, and the category's alert
 * transitions as annotations; {@code area} and {@code run} variables.
 */
final class CategoryBoard {
    static final String TITLE_PREFIX = "城市生命体征 · ";

    private CategoryBoard() {}

    static String uid(Category c) {
        return "ct-" + c.id();
    }

    static ObjectNode build(Category category, List<Indicator> indicators, CityTopology topology) {
        ObjectNode d = DashboardShell.dashboard(uid(category),
                TITLE_PREFIX + category.zh() + " / City vital signs · " + category.en(), "30s", "now-6h");
        ((ArrayNode) d.get("tags")).add("category");
        DashboardShell.addAreaVariable(d, topology);
        DashboardShell.addRunVariable(d);
        DashboardShell.addDashboardsLink(d);
        ObjectNode ann = ((ArrayNode) d.get("annotations").get("list")).addObject();
        ann.put("name", "告警 Alerts");
        ann.set("datasource", Datasource.ref());
        ann.put("enable", true);
        ann.put("iconColor", "red");
        // The InfluxDB datasource's annotation query, in the schema's place for it (target).
        ObjectNode target = ann.putObject("target");
        target.put("refId", "Anno");
        target.put("fromAnnotations", true);
        target.put("rawQuery", true);
        target.put("query", InfluxQl.alertTransitions(category.id()));
        target.put("textColumn", "state");
        target.put("tagsColumn", "indicator,severity");
        PanelGrid grid = new PanelGrid();
        ArrayNode panels = DashboardShell.panels(d);
        for (Indicator i : indicators) {
            panels.add(isCount(i) ? stat(grid, i) : timeSeries(grid, i));
        }
        return d;
    }

    /** Whole numbers per window (how many calls, how many distinct vehicles) read best as one big figure. */
    static boolean isCount(Indicator i) {
        return i.aggregation() == Aggregation.COUNT || i.aggregation() == Aggregation.DISTINCT;
    }

    private static ObjectNode stat(PanelGrid grid, Indicator i) {
        ObjectNode p = Panels.panel(grid, "stat", IndicatorText.title(i), 4, 6);
        p.put("description", IndicatorText.description(i));
        Panels.target(p, "A", InfluxQl.indicatorLatest(i.id(), "$area"), i.en(), false);
        Panels.fieldConfig(p, GrafanaUnit.of(i.unit()), i.alert()).put("decimals", 0);
        Panels.statOptions(p, "value");
        return p;
    }

    private static ObjectNode timeSeries(PanelGrid grid, Indicator i) {
        ObjectNode p = Panels.panel(grid, "timeseries", IndicatorText.title(i), 8, 6);
        p.put("description", IndicatorText.description(i));
        Panels.target(p, "A", InfluxQl.indicatorSeries(i.id(), i.aggregation()), i.en(), false);
        ObjectNode defaults = Panels.fieldConfig(p, GrafanaUnit.of(i.unit()), i.alert());
        if ("%".equals(i.unit())) {
            defaults.put("min", 0);
            defaults.put("max", 100);
        }
        ObjectNode custom = defaults.putObject("custom");
        custom.put("drawStyle", "line");
        custom.put("lineWidth", 2);
        custom.put("spanNulls", true);
        custom.putObject("thresholdsStyle").put("mode", i.alert() == null ? "off" : "line+area");
        ObjectNode o = p.putObject("options");
        o.putObject("legend").put("displayMode", "hidden").put("showLegend", false);
        o.putObject("tooltip").put("mode", "single");
        return p;
    }
}
