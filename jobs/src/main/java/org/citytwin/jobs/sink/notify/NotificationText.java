package org.citytwin.jobs.sink.notify;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.model.alert.AlertCondition;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.Area;

/**
 * Turns an alert event into a {@link Notification}: labels {@code alertname} (the indicator id;
 * {@code no_data} for an indicator without data, {@code feed_stopped} for the run's feed, whose
 * only other labels are {@code severity} and {@code run}),
 * {@code indicator}, {@code category}, {@code area}, {@code level}, {@code severity}, {@code run};
 * annotations {@code summary}/{@code description} in English, {@code summary_zh}/{@code
 * description_zh} in Chinese (indicator and area names, value with unit, threshold, how long),
 * {@code indicator_description}/{@code indicator_description_zh} (what the indicator measures, from the
 * catalog) and {@code dashboard}, the link made from a template with {indicator}, {category}, {area}, {run}.
 */
public final class NotificationText implements Serializable {

    private static final long serialVersionUID = 1L;
    public static final String NO_DATA = "no_data";
    public static final String FEED_STOPPED = "feed_stopped";

    private final EvaluationPlan plan;
    private final String dashboardTemplate;

    public NotificationText(EvaluationPlan plan, String dashboardTemplate) {
        this.plan = plan;
        this.dashboardTemplate = dashboardTemplate;
    }

    public Notification of(AlertEvent event) {
        AlertTransition t = event.transition();
        if (t.condition() == AlertCondition.FEED_STOPPED) {
            return feedStopped(event);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", t.condition() == AlertCondition.NO_DATA ? NO_DATA : event.indicator());
        labels.put("indicator", event.indicator());
        labels.put("category", event.category());
        labels.put("area", event.area());
        labels.put("level", event.level());
        labels.put("severity", t.severity().label());
        labels.put("run", event.run());

        CompiledIndicator compiled = plan.indicator(event.indicator());
        Indicator indicator = compiled == null ? null : compiled.indicator();
        Area area = plan.topology().area(event.area());
        String nameEn = indicator == null ? event.indicator() : indicator.en();
        String nameZh = indicator == null ? event.indicator() : indicator.zh();
        String unit = indicator == null || indicator.unit() == null ? "" : " " + indicator.unit();
        String areaEn = area == null ? event.area() : area.en();
        String areaZh = area == null ? event.area() : area.zh();
        boolean above = indicator == null || indicator.alert() == null
                || indicator.alert().direction() == Alert.Direction.ABOVE;
        long forMs = indicator == null || indicator.alert() == null ? 0 : indicator.alert().forMs();
        String value = number(t.value()) + unit;
        String threshold = number(t.threshold()) + unit;
        String dashboard = dashboardTemplate.replace("{indicator}", event.indicator())
                .replace("{category}", event.category()).replace("{area}", event.area()).replace("{run}", event.run());

        Map<String, String> annotations = new LinkedHashMap<>();
        boolean firing = t.kind() == TransitionKind.FIRING;
        String sev = t.severity().label();
        if (t.condition() == AlertCondition.NO_DATA) {
            AssetType source = indicator == null || indicator.assetType() == null ? null
                    : plan.assetTypes().get(indicator.assetType());
            String sourceEn = source == null ? "" : " (" + source.en() + ")";
            String sourceZh = source == null ? "" : "（" + source.zh() + "）";
            String silent = minutes(Math.round(t.value()) * 1000);
            if (firing) {
                annotations.put("summary", "No data: " + nameEn + " in " + areaEn);
                annotations.put("description", nameEn + " in " + areaEn + " has had no point for " + silent
                        + " while the feed went on: its source assets" + sourceEn + " stopped reporting.");
                annotations.put("summary_zh", areaZh + nameZh + "无数据");
                annotations.put("description_zh", areaZh + nameZh + "已" + minutesZh(Math.round(t.value()) * 1000)
                        + "没有数据（数据流仍在）：其数据来源设备" + sourceZh + "已停止上报。");
            } else {
                annotations.put("summary", nameEn + " in " + areaEn + " has data again");
                annotations.put("description", nameEn + " in " + areaEn + " has a point again after " + silent
                        + " without one; now " + value + ".");
                annotations.put("summary_zh", areaZh + nameZh + "已恢复数据");
                annotations.put("description_zh", areaZh + nameZh + "在" + minutesZh(Math.round(t.value()) * 1000)
                        + "无数据后恢复，当前为" + value + "。");
            }
        } else if (firing) {
            annotations.put("summary", nameEn + " in " + areaEn + " is " + value + " (" + sev + ")");
            annotations.put("description", nameEn + " in " + areaEn + " has been " + (above ? "above " : "below ")
                    + threshold + " for at least " + minutes(forMs) + "; now " + value + "."
                    + (t.flapping() ? " Flapping: held firing until it settles." : ""));
            annotations.put("summary_zh", areaZh + nameZh + "为" + value + "（" + (sev.equals("critical") ? "严重" : "警告") + "）");
            annotations.put("description_zh", areaZh + nameZh + (above ? "高于" : "低于") + threshold + "已持续至少"
                    + minutesZh(forMs) + "，当前为" + value + "。" + (t.flapping() ? "告警抖动，保持触发直至稳定。" : ""));
        } else {
            String lasted = minutes(t.time() - t.startsAt());
            annotations.put("summary", nameEn + " in " + areaEn + " is back to " + value);
            annotations.put("description", nameEn + " in " + areaEn + " is " + value + ", at or "
                    + (above ? "below" : "above") + " the clear level " + threshold + ", after " + lasted + " " + sev + ".");
            annotations.put("summary_zh", areaZh + nameZh + "已恢复为" + value);
            annotations.put("description_zh", areaZh + nameZh + "为" + value + "，已回到恢复线" + threshold
                    + "，告警持续" + minutesZh(t.time() - t.startsAt()) + "。");
        }
        if (indicator != null) {
            annotations.put("indicator_description", indicator.enDescription());
            annotations.put("indicator_description_zh", indicator.zhDescription());
        }
        annotations.put("dashboard", dashboard);
        return new Notification(firing ? Notification.FIRING : Notification.RESOLVED, labels, annotations,
                t.startsAt(), firing ? 0 : t.time(), dashboard);
    }

    /** The run's feed did not advance: labels alertname, severity, run; the engine-health dashboard. */
    private Notification feedStopped(AlertEvent event) {
        AlertTransition t = event.transition();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", FEED_STOPPED);
        labels.put("severity", t.severity().label());
        labels.put("run", event.run());
        String dashboard = dashboardTemplate.replace("{indicator}", "").replace("{category}", "engine-health")
                .replace("{area}", event.area()).replace("{run}", event.run());
        long stood = Math.round(t.value()) * 1000;
        Map<String, String> annotations = new LinkedHashMap<>();
        boolean firing = t.kind() == TransitionKind.FIRING;
        if (firing) {
            annotations.put("summary", "Feed stopped (run " + event.run() + ")");
            annotations.put("description", "The engine's event time (watermark) has not advanced for " + minutes(stood)
                    + ": no records arrive, or one partition holds the others back. Indicators and their alerts wait"
                    + " until the feed resumes; no-data alerts are not raised meanwhile.");
            annotations.put("summary_zh", "数据流已停止（运行 " + event.run() + "）");
            annotations.put("description_zh", "引擎的事件时间（水位线）已" + minutesZh(stood)
                    + "未推进：没有记录到达，或某个分区拖住了其他分区。指标及其告警暂停，直至数据流恢复；其间不产生无数据告警。");
        } else {
            annotations.put("summary", "Feed resumed (run " + event.run() + ")");
            annotations.put("description", "The engine's event time advanced again after " + minutes(stood) + ".");
            annotations.put("summary_zh", "数据流已恢复（运行 " + event.run() + "）");
            annotations.put("description_zh", "引擎的事件时间在停止" + minutesZh(stood) + "后恢复推进。");
        }
        annotations.put("dashboard", dashboard);
        return new Notification(firing ? Notification.FIRING : Notification.RESOLVED, labels, annotations,
                t.startsAt(), firing ? 0 : t.time(), dashboard);
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String minutes(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms / 1000 + " s";
    }

    private static String minutesZh(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + "分钟" : ms / 1000 + "秒";
    }
}
