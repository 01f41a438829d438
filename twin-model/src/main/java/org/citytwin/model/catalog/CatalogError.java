package org.citytwin.model.catalog;

import java.io.Serializable;

/** One located catalog error: file, 1-based line, the indicator id (or null) and what is wrong. */
public record CatalogError(String file, int line, String id, String message) implements Serializable {
    @Override
    public String toString() {
        return file + ":" + line + ": " + (id == null ? "" : "[" + id + "] ") + message;
    }
}
