package org.citytwin.model.catalog;

import java.util.List;

/** A catalog rejected as a whole, with every error found. */
public final class CatalogException extends RuntimeException {
    private final List<CatalogError> errors;

    public CatalogException(List<CatalogError> errors) {
        super("catalog rejected with " + errors.size() + " error(s):\n  "
                + String.join("\n  ", errors.stream().map(CatalogError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<CatalogError> errors() { return errors; }
}
