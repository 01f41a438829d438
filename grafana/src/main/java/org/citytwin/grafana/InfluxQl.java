package org.citytwin.grafana;

import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.catalog.Aggregation;

/**
 * The InfluxQL of every panel, over the engine's schema: {@code indicator} (tags id, category, area,
 * level, run), {@code engine} (metric, reason, operator, subtask, run) and {@code alert} (indicator,
 * category, area, level, severity, run; fields state, value, threshold). Grafana fills in
 * {@code $timeFilter}, {@code $__interval}, {@code $__interval_ms} and the template variables.
 */
public final class InfluxQl {
    static final String RUN = "\"run\" = '$run'";
    /** The {@code state} the engine writes for a firing alert. */
    private static final String FIRING = TransitionKind.FIRING.label();

    private InfluxQl() {}

    /** One indicator in the selected area over time, downsampled in the indicator's own sense. */
    public static String indicatorSeries(String id, Aggregation aggregation) {
        return "SELECT " + downsample(aggregation) + "(\"value\") AS \"value\" FROM \"indicator\" WHERE \"id\" = '" + id
                + "' AND \"area\" = '$area' AND " + RUN + " AND $timeFilter GROUP BY time($__interval) fill(none)";
    }

    /** The latest value of one indicator in an area given literally or as a variable. */
    public static String indicatorLatest(String id, String area) {
        return "SELECT last(\"value\") AS \"value\" FROM \"indicator\" WHERE \"id\" = '" + id + "' AND \"area\" = '"
                + area + "' AND " + RUN + " AND $timeFilter";
    }

    /** The latest value of one indicator in every district, one row per district (for the map). */
    public static String indicatorLatestByDistrict(String id) {
        return "SELECT last(\"value\") AS \"value\" FROM \"indicator\" WHERE \"id\" = '" + id
                + "' AND \"level\" = 'district' AND " + RUN + " AND $timeFilter GROUP BY \"area\"";
    }

    /**
     * How many alerts of a category are firing at the end of the time range: the last transition of
     * each (indicator, area) up to then, however long ago, counted when it is firing.
     */
    public static String firingCount(String category) {
        return "SELECT count(\"state\") AS \"firing\" FROM (" + lastStates("\"category\" = '" + category + "'", false)
                + ") WHERE \"state\" = '" + FIRING + "'";
    }

    /** Firing alerts per district (for the map). */
    public static String firingByDistrict() {
        return "SELECT count(\"state\") AS \"firing\" FROM (" + lastStates("\"level\" = 'district'", false)
                + ") WHERE \"state\" = '" + FIRING + "' GROUP BY \"area\"";
    }

    /** Every firing alert with its value and threshold, one row per (category, indicator, area). */
    public static String firingList() {
        return "SELECT \"state\", \"value\", \"threshold\" FROM (" + lastStates(null, true)
                + ") WHERE \"state\" = '" + FIRING + "' GROUP BY \"category\", \"indicator\", \"area\"";
    }

    /**
     * The last transition of each alert — (category, indicator, area, severity, condition), the
     * engine's series of one alert — up to the end of the time range
     * ({@code ${__to}}, Grafana's range end in epoch ms). No lower bound: an alert that started
     * firing before the range and is still firing has its last transition before the range. The
     * {@code alert} measurement holds transitions only, so this reads all of it that the retention
     * policy keeps.
     */
    private static String lastStates(String condition, boolean withValues) {
        String extra = !withValues ? "" : ", last(\"value\") AS \"value\", last(\"threshold\") AS \"threshold\"";
        return "SELECT last(\"state\") AS \"state\"" + extra + " FROM \"alert\" WHERE "
                + (condition == null ? "" : condition + " AND ") + RUN
                + " AND time <= ${__to}ms GROUP BY \"category\", \"indicator\", \"area\", \"severity\", \"condition\"";
    }

    /** Alert transitions of a category in the selected area, for annotations. */
    public static String alertTransitions(String category) {
        return "SELECT \"state\", \"value\", \"threshold\", \"indicator\", \"severity\" FROM \"alert\" WHERE \"category\" = '"
                + category + "' AND \"area\" = '$area' AND " + RUN + " AND $timeFilter";
    }

    /**
     * An engine counter as a rate per second, summed over subtasks. Samples carry each subtask's
     * total since the run began (checkpointed), so the rate is the per-subtask derivative.
     */
    public static String engineRate(String metric) {
        return "SELECT sum(\"rate\") AS \"per_second\" FROM (SELECT non_negative_derivative(last(\"value\"), 1s) AS \"rate\" "
                + "FROM \"engine\" WHERE \"metric\" = '" + metric + "' AND " + RUN + " AND $timeFilter "
                + "GROUP BY time($__interval), \"operator\", \"subtask\" fill(none)) WHERE $timeFilter "
                + "GROUP BY time($__interval) fill(none)";
    }

    /** An engine counter per reason (dead letters), as counts per interval: the per-subtask differences of the totals. */
    public static String engineCountByReason(String metric) {
        return "SELECT sum(\"n\") AS \"count\" FROM (SELECT non_negative_difference(last(\"value\")) AS \"n\" "
                + "FROM \"engine\" WHERE \"metric\" = '" + metric + "' AND " + RUN + " AND $timeFilter "
                + "GROUP BY time($__interval), \"operator\", \"subtask\", \"reason\" fill(none)) WHERE $timeFilter "
                + "GROUP BY time($__interval), \"reason\" fill(none)";
    }

    /** An engine counter as counts per interval, summed over subtasks: the per-subtask differences of the totals. */
    public static String engineCount(String metric, String alias) {
        return "SELECT sum(\"n\") AS \"" + alias + "\" FROM (SELECT non_negative_difference(last(\"value\")) AS \"n\" "
                + "FROM \"engine\" WHERE \"metric\" = '" + metric + "' AND " + RUN + " AND $timeFilter "
                + "GROUP BY time($__interval), \"operator\", \"subtask\" fill(none)) WHERE $timeFilter "
                + "GROUP BY time($__interval) fill(none)";
    }

    /** The longest checkpoint per interval (one sample per completed checkpoint). */
    public static String checkpointDuration() {
        return "SELECT max(\"value\") AS \"duration_ms\" FROM \"engine\" WHERE \"metric\" = 'checkpoint_duration_ms' AND "
                + RUN + " AND $timeFilter GROUP BY time($__interval) fill(none)";
    }

    /** The engine's worst watermark lag over its subtasks. */
    public static String watermarkLag() {
        return "SELECT max(\"value\") AS \"lag_ms\" FROM \"engine\" WHERE \"metric\" = 'watermark_lag_ms' AND " + RUN
                + " AND $timeFilter GROUP BY time($__interval), \"operator\" fill(none)";
    }

    /** The runs present in the database: {@code live} and any drill ids. */
    public static String runs() {
        return "SHOW TAG VALUES FROM \"indicator\" WITH KEY = \"run\"";
    }

    /**
     * A window of counts downsampled by sum would change its meaning with the zoom, and a minimum or
     * maximum must stay one: each aggregation keeps its own sense when Grafana merges ticks.
     */
    static String downsample(Aggregation aggregation) {
        switch (aggregation) {
            case MIN:
                return "min";
            case MAX:
            case P95:
            case P99:
                return "max";
            default:
                return "mean";
        }
    }
}
