package org.citytwin.grafana;

import java.util.Locale;
import org.citytwin.model.Durations;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Indicator;

/** Panel titles and descriptions of an indicator, in Chinese and English, from its catalog entry. */
final class IndicatorText {
    private IndicatorText() {}

    static String title(Indicator i) {
        return i.zh() + " " + i.en() + " (" + i.unit() + ")";
    }

    /** What the number is (the catalog's description in both languages), its id and unit, and when it alerts. */
    static String description(Indicator i) {
        StringBuilder s = new StringBuilder();
        s.append(i.zhDescription()).append('\n').append(i.enDescription());
        s.append(" (`").append(i.id()).append("`, ").append(i.unit()).append(").");
        Alert a = i.alert();
        if (a != null) {
            s.append(" Alert ").append(a.direction().name().toLowerCase(Locale.ROOT)).append(": warning ")
                    .append(number(a.warning())).append(", critical ").append(number(a.critical()))
                    .append(", clears at ").append(number(a.clear())).append(", after ")
                    .append(Durations.format(a.forMs())).append('.');
        }
        return s.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
