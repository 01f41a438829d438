package org.citytwin.model.asset;

/** Value type of a static asset attribute or an event attribute. */
public enum AttributeType {
    NUMBER, STRING, BOOL;

    public String tag() { return name().toLowerCase(java.util.Locale.ROOT); }
}
