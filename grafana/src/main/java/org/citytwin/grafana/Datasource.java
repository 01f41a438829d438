package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one InfluxDB (InfluxQL) datasource every panel reads, as provisioned in {@code provisioning/datasources}. */
public final class Datasource {
    /** Fixed uid, so dashboards refer to the provisioned datasource whatever its name on the server. */
    public static final String UID = "citytwin-influxdb";
    public static final String TYPE = "influxdb";

    private Datasource() {}

    /** A panel's or target's {@code datasource} reference. */
    public static ObjectNode ref() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", TYPE);
        n.put("uid", UID);
        return n;
    }
}
