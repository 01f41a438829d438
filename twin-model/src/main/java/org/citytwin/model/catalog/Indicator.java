package org.citytwin.model.catalog;

import org.citytwin.model.topology.AreaLevel;

import java.io.Serializable;
import java.util.List;

/**
 * One catalog indicator. {@code assetType} is null for events of any asset type; {@code metric} is
 * set for gauge/counter sources, {@code event} (and optionally {@code attribute}) for event sources,
 * {@code formula} for derived ones. {@code periodMs} is the tick (gauges, derived) or the tumbling
 * window (counters, events). {@code zhDescription}/{@code enDescription}: one sentence saying what it
 * measures, over which assets, at which tick or window. {@code headline}: a figure of its category's
 * wall-screen tile. {@code offlineKeep}: a gauge that keeps the last value of offline assets (by default
 * gauges aggregate online assets only). {@code file}/{@code line} locate its definition (or its template).
 */
public record Indicator(String id, String zh, String en, String unit, String category, SourceKind source,
                        String assetType, String metric, String event, String attribute, String filter,
                        String condition, Aggregation aggregation, long periodMs, List<AreaLevel> levels,
                        String formula, Alert alert, double resolution, String zhDescription, String enDescription,
                        boolean headline, boolean offlineKeep, String file, int line)
        implements Serializable {
    public Indicator {
        levels = List.copyOf(levels);
    }
}
