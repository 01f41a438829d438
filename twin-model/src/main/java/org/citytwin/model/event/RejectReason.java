package org.citytwin.model.event;

/** Why a feed record was not accepted: one enum for the parser and the engine, so every rejection is counted per reason. */
public enum RejectReason {
    MALFORMED_JSON, MISSING_FIELD, WRONG_TYPE, UNKNOWN_FIELD, UNKNOWN_ASSET, UNKNOWN_METRIC, UNKNOWN_EVENT_KIND,
    UNKNOWN_ATTRIBUTE, NON_FINITE, TIME_OUT_OF_RANGE, TOO_LARGE,
    /** Engine side: an event id already seen for this asset. */
    DUPLICATE,
    /** Engine side: event time behind the watermark by more than the allowed lateness. */
    LATE
}
