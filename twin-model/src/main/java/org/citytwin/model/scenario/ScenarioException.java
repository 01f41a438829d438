package org.citytwin.model.scenario;

import java.util.List;

/** A scenario file rejected as a whole, with every error found ({@code file:line: what is wrong}). */
public final class ScenarioException extends RuntimeException {
    private final List<String> errors;

    public ScenarioException(List<String> errors) {
        super("scenario rejected with " + errors.size() + " error(s):\n  " + String.join("\n  ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() { return errors; }
}
