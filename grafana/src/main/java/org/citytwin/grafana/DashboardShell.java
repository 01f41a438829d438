package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;

/** The parts every generated dashboard shares: header fields, the {@code run} and {@code area} variables. */
final class DashboardShell {
    /** The dashboard JSON model version written (Grafana 10.4/11 read it natively). */
    static final int SCHEMA_VERSION = 39;
    static final String TAG = "city-twin";

    private DashboardShell() {}

    /** A dashboard with no panels and no variables yet. */
    static ObjectNode dashboard(String uid, String title, String refresh, String from) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("uid", uid);
        d.put("title", title);
        d.putArray("tags").add(TAG);
        d.put("schemaVersion", SCHEMA_VERSION);
        d.put("version", 1);
        d.put("editable", true);
        d.put("graphTooltip", 1);
        d.put("timezone", "browser");
        d.put("refresh", refresh);
        ObjectNode time = d.putObject("time");
        time.put("from", from);
        time.put("to", "now");
        ObjectNode annotations = d.putObject("annotations");
        annotations.putArray("list");
        d.putObject("templating").putArray("list");
        d.putArray("links");
        d.putArray("panels");
        return d;
    }

    static ArrayNode panels(ObjectNode dashboard) {
        return (ArrayNode) dashboard.get("panels");
    }

    static ArrayNode variables(ObjectNode dashboard) {
        return (ArrayNode) dashboard.get("templating").get("list");
    }

    /** {@code run}: {@code live} or a drill id, read from the database so new drills appear by themselves. */
    static void addRunVariable(ObjectNode dashboard) {
        ObjectNode v = variables(dashboard).addObject();
        v.put("name", "run");
        v.put("label", "运行 Run");
        v.put("type", "query");
        v.set("datasource", Datasource.ref());
        v.put("query", InfluxQl.runs());
        v.put("refresh", 1);
        v.put("includeAll", false);
        v.put("multi", false);
        v.put("sort", 1);
        ObjectNode current = v.putObject("current");
        current.put("text", "live");
        current.put("value", "live");
    }

    /**
     * {@code area}: the city, then each district followed by its streets. A street's label starts
     * with its district's name, so typing a district's name in the picker's search lists the district
     * and its streets together.
     */
    static void addAreaVariable(ObjectNode dashboard, CityTopology topology) {
        ObjectNode v = variables(dashboard).addObject();
        v.put("name", "area");
        v.put("label", "区域 Area");
        v.put("type", "custom");
        v.put("includeAll", false);
        v.put("multi", false);
        StringBuilder query = new StringBuilder();
        ArrayNode options = v.putArray("options");
        for (String[] area : areas(topology)) {
            // Custom variable syntax: "text : value" entries separated by commas.
            query.append(query.length() == 0 ? "" : ",").append(area[0].replace(",", " ")).append(" : ").append(area[1]);
            ObjectNode o = options.addObject();
            o.put("selected", options.size() == 1);
            o.put("text", area[0]);
            o.put("value", area[1]);
        }
        v.put("query", query.toString());
        ObjectNode current = v.putObject("current");
        current.put("text", topology.city().zh() + " " + topology.city().en());
        current.put("value", topology.city().code());
    }

    /** Label and code of every area, in picker order. */
    private static java.util.List<String[]> areas(CityTopology topology) {
        java.util.List<String[]> out = new java.util.ArrayList<>();
        out.add(new String[] {topology.city().zh() + " " + topology.city().en(), topology.city().code()});
        for (Area district : topology.districts()) {
            out.add(new String[] {district.zh() + " " + district.en(), district.code()});
            for (Area street : topology.children(district.code())) {
                out.add(new String[] {district.zh() + " · " + street.zh() + " " + district.en() + " · " + street.en(),
                        street.code()});
            }
        }
        return out;
    }

    /** A link in the dashboard header to every other generated dashboard (by tag). */
    static void addDashboardsLink(ObjectNode dashboard) {
        ObjectNode l = link((ArrayNode) dashboard.get("links"), "dashboards", "城市生命体征 City vital signs");
        l.putArray("tags").add(TAG);
        l.put("asDropdown", true);
        l.put("includeVars", true);
        l.put("keepTime", true);
    }

    /**
     * A link with every field of Grafana's published {@code DashboardLink} (its defaults where
     * unused), which the schema also uses for panel links.
     */
    static ObjectNode link(ArrayNode links, String type, String title) {
        ObjectNode l = links.addObject();
        l.put("title", title);
        l.put("type", type);
        l.putArray("tags");
        l.put("asDropdown", false);
        l.put("icon", "external link");
        l.put("includeVars", false);
        l.put("keepTime", false);
        l.put("targetBlank", false);
        l.put("tooltip", "");
        return l;
    }
}
