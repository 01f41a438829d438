package org.citytwin.model.alert;

/**
 * The no-data watch of one indicator in one area and run: the event time of its latest point and,
 * while its no-data alert fires, since when ({@link #NOT_FIRING} otherwise). An immutable value.
 */
public record NoDataState(long lastPoint, long firedAt) {

    public static final long NOT_FIRING = Long.MIN_VALUE;

    public boolean firing() {
        return firedAt != NOT_FIRING;
    }
}
