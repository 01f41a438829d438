package org.citytwin.grafana;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Places panels left to right on Grafana's 24-column grid, starting a new row when a panel does
 * not fit, so panels never overlap; also hands out each dashboard's panel ids.
 */
final class PanelGrid {
    static final int COLUMNS = 24;

    private int x;
    private int y;
    private int rowHeight;
    private int nextId = 1;

    /** The gridPos of the next panel of this size. */
    ObjectNode place(int w, int h) {
        if (w > COLUMNS) {
            throw new IllegalArgumentException("panel width " + w + " > " + COLUMNS);
        }
        if (x + w > COLUMNS) {
            newRow();
        }
        ObjectNode pos = JsonNodeFactory.instance.objectNode();
        pos.put("h", h);
        pos.put("w", w);
        pos.put("x", x);
        pos.put("y", y);
        x += w;
        rowHeight = Math.max(rowHeight, h);
        return pos;
    }

    /** Ends the current row: the next panel starts at the left, below the tallest panel of this row. */
    void newRow() {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
    }

    int nextId() {
        return nextId++;
    }
}
