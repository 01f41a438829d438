package org.citytwin.grafana;

import java.util.Locale;
import org.citytwin.model.Durations;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.catalog.SourceKind;

/** Panel titles and descriptions of an indicator, in Chinese and English, from its catalog entry. */
final class IndicatorText {
    private IndicatorText() {}

    static String title(Indicator i) {
        return i.zh() + " " + i.en() + " (" + i.unit() + ")";
    }

    /** What the number is: how it is computed, how often, and when it alerts. */
    static String description(Indicator i) {
        StringBuilder s = new StringBuilder();
        s.append(i.zh()).append(" / ").append(i.en()).append(" — `").append(i.id()).append("`: ");
        s.append(i.aggregation().tag());
        if (i.source() == SourceKind.DERIVED) {
            s.append(" `").append(i.formula()).append('`');
        } else {
            s.append(" of ");
            if (i.metric() != null) {
                s.append("metric `").append(i.metric()).append('`');
            } else {
                s.append("event `").append(i.event()).append('`');
            }
            if (i.attribute() != null) {
                s.append(" attribute `").append(i.attribute()).append('`');
            }
            if (i.assetType() != null) {
                s.append(" of `").append(i.assetType()).append('`');
            }
        }
        if (i.filter() != null) {
            s.append(" where `").append(i.filter()).append('`');
        }
        if (i.condition() != null) {
            s.append(" (share where `").append(i.condition()).append("`)");
        }
        s.append(", in ").append(i.unit()).append(", ");
        s.append(i.source() == SourceKind.COUNTER || i.source() == SourceKind.EVENT ? "per window of " : "every ");
        s.append(Durations.format(i.periodMs())).append('.');
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
