package org.citytwin.jobs.sink.notify;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.citytwin.jobs.alert.AlertEvent;
import org.citytwin.model.alert.AlertTransition;
import org.citytwin.model.alert.TransitionKind;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.plan.CompiledIndicator;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.Area;

/**
 * Turns an alert event into a {@link Notification}: labels {@code alertname} (the indicator id),
 * {@code indicator}, {@code category}, {@code area}, {@code level}, {@code severity}, {@code run};
 * annotations {@code summary}/{@code description} in English, {@code summary_zh}/{@code
 * description_zh} in Chinese (indicator and area names, value with unit, threshold, how long),
 * {@code indicator_description}/{@code indicator_description_zh} (what the indicator measures, from the
 * catalog) and {@code dashboard}, the link made from a template with {indicator}, {category}, {area}, {run}.
 */
public final class NotificationText implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EvaluationPlan plan;
    private final String dashboardTemplate;

    public NotificationText(EvaluationPlan plan, String dashboardTemplate) {
        this.plan = plan;
        this.dashboardTemplate = dashboardTemplate;
    }

    public Notification of(AlertEvent event) {
        AlertTransition t = event.transition();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", event.indicator());
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
        if (firing) {
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
