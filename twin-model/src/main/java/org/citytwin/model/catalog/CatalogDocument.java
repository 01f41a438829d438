package org.citytwin.model.catalog;

import java.util.List;
import java.util.Locale;
import org.citytwin.model.topology.AreaLevel;
import org.citytwin.model.Durations;

/**
 * docs/catalog.md, generated from the catalog: per category its counts, its headline indicators (the
 * figures of its wall-screen tile) and its alert thresholds. {@code twin catalog --markdown} prints it.
 */
public final class CatalogDocument {
    private CatalogDocument() {
    }

    public static String markdown(Catalog catalog) {
        StringBuilder s = new StringBuilder();
        List<CategoryStats> stats = CategoryStats.of(catalog);
        s.append("# Shanghai indicator catalog\n\n");
        s.append("Generated from `twin-model/src/main/resources/city/shanghai/` by `./twin catalog --markdown > docs/catalog.md`")
                .append(" (a test fails when this file is stale). How the catalog is written: [catalog-format.md](catalog-format.md).\n\n");
        s.append(String.format(Locale.ROOT, "%d indicators in %d categories, over %d distinct sources; %d alert, %d are headline figures.%n%n",
                catalog.size(), catalog.categories().size(), CategoryStats.sources(catalog.indicators()).size(),
                stats.stream().mapToInt(CategoryStats::alerting).sum(), stats.stream().mapToInt(CategoryStats::headline).sum()));
        s.append("| category | 名称 | indicators | sources | alerting | headline |\n|---|---|---:|---:|---:|---:|\n");
        for (CategoryStats c : stats) {
            s.append("| [").append(c.category().en()).append("](#").append(c.category().id().replace('_', '-')).append(") | ")
                    .append(c.category().zh()).append(" | ").append(c.indicators()).append(" | ").append(c.sources())
                    .append(" | ").append(c.alerting()).append(" | ").append(c.headline()).append(" |\n");
        }
        for (CategoryStats c : stats) {
            List<Indicator> own = catalog.indicators().stream().filter(i -> i.category().equals(c.category().id())).toList();
            s.append("\n## ").append(c.category().id().replace('_', '-')).append("\n\n");
            s.append("**").append(c.category().zh()).append(" / ").append(c.category().en()).append("** — ")
                    .append(c.indicators()).append(" indicators over ").append(c.sources()).append(" sources.\n\n");
            s.append("Headline (wall-screen tile):\n\n| id | 名称 / name | unit | what it measures |\n|---|---|---|---|\n");
            for (Indicator i : own) {
                if (i.headline()) {
                    s.append("| `").append(i.id()).append("` | ").append(i.zh()).append(" / ").append(i.en()).append(" | ")
                            .append(cell(i.unit())).append(" | ").append(cell(i.enDescription())).append(" |\n");
                }
            }
            s.append("\nThresholds:\n\n| id | 名称 / name | alert when | warning | critical | clears at | for | levels |\n|---|---|---|---:|---:|---:|---|---|\n");
            for (Indicator i : own) {
                Alert a = i.alert();
                if (a != null) {
                    s.append("| `").append(i.id()).append("` | ").append(i.zh()).append(" / ").append(i.en()).append(" | ")
                            .append(a.direction().name().toLowerCase(Locale.ROOT)).append(" (").append(cell(i.unit())).append(") | ")
                            .append(number(a.warning())).append(" | ").append(number(a.critical())).append(" | ")
                            .append(number(a.clear())).append(" | ").append(a.forMs() == 0 ? "at once" : Durations.format(a.forMs()))
                            .append(" | ").append(levels(a, i)).append(" |\n");
                }
            }
        }
        return s.toString();
    }

    /** The levels an alert applies at: its own, or every level of the indicator. */
    private static String levels(Alert a, Indicator i) {
        return String.join(", ", (a.levels().isEmpty() ? i.levels() : a.levels()).stream().map(AreaLevel::tag).toList());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
