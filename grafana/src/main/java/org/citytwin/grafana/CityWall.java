package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.topology.AreaLevel;
import org.citytwin.model.topology.CityTopology;
import org.citytwin.model.topology.DistrictCentroids.Centroid;

/**
 * The "City Vital Signs / 城市生命体征" wall screen (3840×2160, kiosk): a tile per category with its
 * headline indicators (1 to 4, {@code headline: true} in the catalog) and firing-alert count, linking to the category's dashboard; a district map;
 * the firing alerts; feed health. Refreshes every 10 s.
 */
final class CityWall {
    static final String UID = "ct-city-vital-signs";
    /** Where the deploy files mount the generated district gazetteer inside Grafana. */
    static final String GAZETTEER = "public/gazetteer/city-districts.json";
    private static final int TILE_W = 3;
    private static final int TILE_H = 5;

    private CityWall() {}

    /** Target refIds of a tile: its headline figures (at most {@code MAX_HEADLINES}), then the firing count. */
    static final String[] HEADLINE_REFS = {"A", "B", "C", "D"};
    static final String FIRING_REF = "F";

    /** The headline figures of a category: its {@code headline: true} indicators, in catalog order (1 to 4, validated). */
    static List<Indicator> headlines(List<Indicator> indicators) {
        return indicators.stream().filter(Indicator::headline).toList();
    }

    static ObjectNode build(Catalog catalog, Map<String, List<Indicator>> byCategory, CityTopology topology,
            Map<String, Centroid> centroids) {
        ObjectNode d = DashboardShell.dashboard(UID, "城市生命体征 / City Vital Signs", "10s", "now-1h");
        ((ArrayNode) d.get("tags")).add("wall");
        DashboardShell.addRunVariable(d);
        DashboardShell.addDashboardsLink(d);
        PanelGrid grid = new PanelGrid();
        ArrayNode panels = DashboardShell.panels(d);
        String city = topology.city().code();
        for (Category c : catalog.categories()) {
            panels.add(tile(grid, c, headlines(byCategory.get(c.id())), city));
        }
        grid.newRow();
        Category first = catalog.categories().get(0);
        panels.add(map(grid, headlines(byCategory.get(first.id())).get(0), centroids));
        panels.add(firingAlerts(grid));
        grid.newRow();
        panels.add(FeedHealth.recordsPerSecond(grid, 8, 8));
        panels.add(FeedHealth.watermarkLag(grid, 8, 8));
        panels.add(FeedHealth.deadLetters(grid, 8, 8));
        return d;
    }

    private static ObjectNode tile(PanelGrid grid, Category c, List<Indicator> headlines, String city) {
        ObjectNode p = Panels.panel(grid, "stat", c.zh() + " " + c.en(), TILE_W, TILE_H);
        StringBuilder description = new StringBuilder();
        for (Indicator h : headlines) {
            description.append(description.length() == 0 ? "" : "\n\n").append(IndicatorText.description(h));
        }
        p.put("description", description.toString());
        for (int k = 0; k < headlines.size(); k++) {
            Panels.target(p, HEADLINE_REFS[k], InfluxQl.indicatorLatest(headlines.get(k).id(), city), headlines.get(k).en(), false);
        }
        Panels.target(p, FIRING_REF, InfluxQl.firingCount(c.id()), "firing", false);
        Indicator first = headlines.get(0);
        ObjectNode defaults = Panels.fieldConfig(p, GrafanaUnit.of(first.unit()), alertAt(first, AreaLevel.CITY));
        defaults.put("displayName", first.zh());
        defaults.put("noValue", "0");
        ArrayNode overrides = (ArrayNode) p.get("fieldConfig").get("overrides");
        for (int k = 1; k < headlines.size(); k++) {
            Indicator h = headlines.get(k);
            ObjectNode o = overrides.addObject();
            o.putObject("matcher").put("id", "byFrameRefID").put("options", HEADLINE_REFS[k]);
            ArrayNode props = o.putArray("properties");
            props.addObject().put("id", "displayName").put("value", h.zh());
            props.addObject().put("id", "unit").put("value", GrafanaUnit.of(h.unit()));
            props.addObject().put("id", "thresholds").set("value", Panels.thresholds(alertAt(h, AreaLevel.CITY)));
        }
        ObjectNode firing = overrides.addObject();
        firing.putObject("matcher").put("id", "byFrameRefID").put("options", FIRING_REF);
        ArrayNode props = firing.putArray("properties");
        props.addObject().put("id", "displayName").put("value", "告警 Alerts firing");
        props.addObject().put("id", "unit").put("value", "short");
        props.addObject().put("id", "decimals").put("value", 0);
        ObjectNode red = props.addObject().put("id", "thresholds");
        ObjectNode steps = Panels.JSON.objectNode().put("mode", "absolute");
        steps.putArray("steps").add(Panels.JSON.objectNode().put("color", "green").putNull("value"))
                .add(Panels.JSON.objectNode().put("color", "red").put("value", 1));
        red.set("value", steps);
        Panels.statOptions(p, "value_and_name");
        ObjectNode link = DashboardShell.link(p.putArray("links"), "link", c.zh() + " " + c.en());
        link.put("url", "/d/" + CategoryBoard.uid(c) + "?var-run=${run}");
        return p;
    }

    /** The indicator's thresholds if they apply at this level (the tiles show the city, the map districts). */
    private static Alert alertAt(Indicator indicator, AreaLevel level) {
        Alert alert = indicator.alert();
        return alert != null && alert.appliesAt(level) ? alert : null;
    }

    private static ObjectNode map(PanelGrid grid, Indicator indicator, Map<String, Centroid> centroids) {
        ObjectNode p = Panels.panel(grid, "geomap", "区县 Districts: " + indicator.zh() + " " + indicator.en()
                + " · 告警 alerts", 10, 14);
        Panels.target(p, "A", InfluxQl.indicatorLatestByDistrict(indicator.id()), null, true);
        Panels.target(p, "B", InfluxQl.firingByDistrict(), null, true);
        Panels.fieldConfig(p, GrafanaUnit.of(indicator.unit()), alertAt(indicator, AreaLevel.DISTRICT));
        ObjectNode o = p.putObject("options");
        ObjectNode view = o.putObject("view");
        view.put("id", "coords");
        view.put("lat", round(centroids.values().stream().mapToDouble(Centroid::lat).average().orElse(0)));
        view.put("lon", round(centroids.values().stream().mapToDouble(Centroid::lon).average().orElse(0)));
        view.put("zoom", 9);
        o.putObject("controls").put("showZoom", true).put("mouseWheelZoom", false);
        o.putObject("basemap").put("type", "default").put("name", "Basemap");
        ArrayNode layers = o.putArray("layers");
        layers.add(markers(indicator.zh() + " " + indicator.en(), "A", "value", null));
        layers.add(markers("告警 Alerts firing", "B", "firing", "red"));
        o.putObject("tooltip").put("mode", "details");
        return p;
    }

    /** A marker layer placing rows of one query at their district's centroid (looked up by area code). */
    private static ObjectNode markers(String name, String refId, String field, String fixedColor) {
        ObjectNode l = Panels.JSON.objectNode();
        l.put("type", "markers");
        l.put("name", name);
        l.put("tooltip", true);
        ObjectNode style = l.putObject("config").put("showLegend", true).putObject("style");
        style.putObject("size").put("field", field).put("fixed", 10).put("min", 8).put("max", 40);
        if (fixedColor != null) {
            style.putObject("color").put("fixed", fixedColor);
        } else {
            style.putObject("color").put("field", field);
        }
        style.putObject("text").put("mode", "field").put("field", field);
        ObjectNode loc = l.putObject("location");
        loc.put("mode", "lookup");
        loc.put("lookup", "area");
        loc.put("gazetteer", GAZETTEER);
        l.putObject("filterData").put("id", "byRefId").put("options", refId);
        return l;
    }

    private static ObjectNode firingAlerts(PanelGrid grid) {
        ObjectNode p = Panels.panel(grid, "table", "告警中 Firing alerts", 14, 14);
        Panels.target(p, "A", InfluxQl.firingList(), null, true);
        Panels.fieldConfig(p, "none", null);
        p.putObject("options").put("showHeader", true);
        return p;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
