package org.citytwin.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One InfluxQL query of a dashboard as Grafana would send it before interpolation: a panel target,
 * an annotation or a query variable, located by dashboard uid, panel id and refId.
 */
public record PanelQuery(String dashboardUid, String where, String query) {

    /** Every query of a dashboard JSON model: panel targets, annotations and query variables. */
    public static List<PanelQuery> of(JsonNode dashboard) {
        String uid = dashboard.path("uid").asText();
        List<PanelQuery> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            for (JsonNode t : p.path("targets")) {
                out.add(new PanelQuery(uid, "panel " + p.path("id").asInt() + " \"" + p.path("title").asText()
                        + "\" target " + t.path("refId").asText(), t.path("query").asText()));
            }
        }
        for (JsonNode a : dashboard.path("annotations").path("list")) {
            if (a.path("target").has("query")) {
                out.add(new PanelQuery(uid, "annotation \"" + a.path("name").asText() + "\"",
                        a.path("target").path("query").asText()));
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if ("query".equals(v.path("type").asText())) {
                out.add(new PanelQuery(uid, "variable $" + v.path("name").asText(), v.path("query").asText()));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return dashboardUid + " " + where + ": " + query;
    }
}
