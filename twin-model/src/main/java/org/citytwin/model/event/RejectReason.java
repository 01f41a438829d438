package org.citytwin.model.event;

/**
 * Why a feed record was not accepted: one enum for the parser and the engine, so every rejection
 * is counted per reason. Declared in order of precedence: when a record has several faults found
 * in the same check stage, the reason declared first wins (docs/event-format.md).
 */
public enum RejectReason {
    /** Larger than the parser's maximum record size. */
    TOO_LARGE,
    /** Not one JSON object: bad syntax, a byte order mark, trailing content, nesting too deep. */
    MALFORMED_JSON,
    /** The same key twice in one object. */
    DUPLICATE_KEY,
    UNKNOWN_FIELD,
    WRONG_TYPE,
    MISSING_FIELD,
    /** Event time outside the parser's fixed bounds ([2000, 2100) by default). */
    TIME_OUT_OF_RANGE,
    /** Event time more than the allowed skew ahead of the wall clock. */
    FUTURE,
    UNKNOWN_ASSET,
    UNKNOWN_METRIC,
    UNKNOWN_EVENT_KIND,
    UNKNOWN_ATTRIBUTE,
    /** NaN or infinite, e.g. {@code 1e999}. */
    NON_FINITE,
    /** Outside the metric's (or attribute's) declared range, or too large for exact fixed-point sums. */
    OUT_OF_RANGE,
    /** Engine side: event time behind the watermark by more than the allowed lateness. */
    LATE,
    /** Engine side: an event id already seen for this asset. */
    DUPLICATE
}
