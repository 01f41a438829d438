package org.citytwin.grafana;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills in an InfluxQL query the way Grafana's InfluxDB datasource does before sending it:
 * {@code $timeFilter} as {@code time >= Fms and time <= Tms}, {@code $__interval} and
 * {@code $__interval_ms} from the time range, the data points wanted and the datasource's minimum
 * interval (rounded like Grafana's {@code rangeutil.roundInterval}), the global {@code ${__from}} and
 * {@code ${__to}} (the range in epoch ms), and template variables in
 * {@code $name}, {@code ${name}}, {@code ${name:raw}} and {@code [[name]]} form.
 */
public final class QueryInterpolation {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");

    private final long fromMs;
    private final long toMs;
    private final long intervalMs;
    private final Map<String, String> variables;

    /**
     * @param maxDataPoints the panel's width in pixels, as Grafana asks for one point per pixel
     * @param minIntervalMs the datasource's {@code timeInterval}
     */
    public QueryInterpolation(long fromMs, long toMs, int maxDataPoints, long minIntervalMs, Map<String, String> variables) {
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.intervalMs = Math.max(minIntervalMs, roundInterval((toMs - fromMs) / maxDataPoints));
        Map<String, String> all = new java.util.HashMap<>(variables);
        all.put("__from", Long.toString(fromMs));
        all.put("__to", Long.toString(toMs));
        this.variables = Map.copyOf(all);
    }

    public long intervalMs() {
        return intervalMs;
    }

    /** The query as sent to InfluxDB; an unknown variable is an error (Grafana would send it verbatim). */
    public String apply(String query) {
        String q = query.replace("$timeFilter", "time >= " + fromMs + "ms and time <= " + toMs + "ms")
                .replace("$__interval_ms", Long.toString(intervalMs))
                .replace("$__interval", format(intervalMs));
        Matcher m = VARIABLE.matcher(q);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = variables.get(name);
            if (value == null) {
                throw new IllegalArgumentException("undefined variable $" + name + " in " + query);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Grafana's interval as text: 500ms, 10s, 2m, 1h, 1d. */
    static String format(long ms) {
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Grafana's {@code roundInterval}: the raw interval snapped to a readable step. */
    static long roundInterval(long ms) {
        long[][] steps = {
            {15, 10}, {35, 20}, {75, 50}, {150, 100}, {350, 200}, {750, 500}, {1_500, 1_000}, {3_500, 2_000},
            {7_500, 5_000}, {12_500, 10_000}, {17_500, 15_000}, {25_000, 20_000}, {45_000, 30_000},
            {90_000, 60_000}, {210_000, 120_000}, {450_000, 300_000}, {750_000, 600_000}, {1_050_000, 900_000},
            {1_500_000, 1_200_000}, {2_700_000, 1_800_000}, {5_400_000, 3_600_000}, {9_000_000, 7_200_000},
            {16_200_000, 10_800_000}, {32_400_000, 21_600_000}, {86_400_000, 43_200_000},
            {604_800_000, 86_400_000}};
        if (ms <= 10) {
            return 1;
        }
        for (long[] s : steps) {
            if (ms <= s[0]) {
                return s[1];
            }
        }
        return 604_800_000;
    }
}
