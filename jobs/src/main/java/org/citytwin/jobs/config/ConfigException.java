package org.citytwin.jobs.config;

import java.util.List;

/** A configuration that cannot be used, with every problem found (file:line: what is wrong). */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(errors.size() + " configuration error(s):\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
