package org.citytwin.model.catalog;

/** What an indicator reads: a gauge's latest state, counter increments, events, or other indicators. */
public enum SourceKind {
    GAUGE, COUNTER, EVENT, DERIVED;

    public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
}
