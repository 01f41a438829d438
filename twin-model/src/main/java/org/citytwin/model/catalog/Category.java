package org.citytwin.model.catalog;

import java.io.Serializable;

/** One of the catalog's categories (one YAML file each). */
public record Category(String id, String zh, String en, String file) implements Serializable {
}
