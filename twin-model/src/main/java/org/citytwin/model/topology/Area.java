package org.citytwin.model.topology;

import java.io.Serializable;

/**
 * One node of the city tree (city, district or street) with its administrative code and names.
 * {@code sample} marks areas invented for the sample data rather than real ones.
 */
public record Area(String code, AreaLevel level, String parentCode, String zh, String en, boolean sample)
        implements Serializable {
}
