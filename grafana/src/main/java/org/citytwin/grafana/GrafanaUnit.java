package org.citytwin.grafana;

import java.util.Map;

/** A catalog unit as a Grafana unit id: Grafana's own where it has one, otherwise a suffix. */
final class GrafanaUnit {
    private static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("%", "percent"), Map.entry("count", "short"), Map.entry("degC", "celsius"),
            Map.entry("s", "s"), Map.entry("min", "m"), Map.entry("h", "h"), Map.entry("km/h", "velocitykmh"),
            Map.entry("m/s", "velocityms"), Map.entry("kn", "velocityknot"), Map.entry("kW", "kwatt"),
            Map.entry("MW", "megwatt"), Map.entry("kWh", "kwatth"), Map.entry("hPa", "pressurehpa"),
            Map.entry("kPa", "pressurekpa"), Map.entry("dB(A)", "dB"), Map.entry("V", "volt"), Map.entry("kV", "kvolt"),
            Map.entry("A", "amp"), Map.entry("ppm", "ppm"), Map.entry("ug/m3", "conμgm3"), Map.entry("mg/m3", "conmgm3"),
            Map.entry("m3/s", "flowcms"), Map.entry("L/min", "flowlpm"),
            Map.entry("mm", "lengthmm"), Map.entry("m", "lengthm"), Map.entry("km", "lengthkm"), Map.entry("m3", "m3"),
            Map.entry("Mbps", "Mbits"), Map.entry("GB", "decgbytes"),
            Map.entry("deg", "degree"), Map.entry("ms", "ms"));

    private GrafanaUnit() {}

    static String of(String unit) {
        String known = KNOWN.get(unit);
        return known != null ? known : "suffix: " + unit;
    }
}
