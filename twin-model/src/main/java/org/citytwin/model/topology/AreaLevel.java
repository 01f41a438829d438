package org.citytwin.model.topology;

/** The levels of the city area tree; indicators are computed per area at chosen levels. */
public enum AreaLevel {
    CITY, DISTRICT, STREET;

    /** Lower-case name as used in catalog files and InfluxDB tags. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AreaLevel ofTag(String s) {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
