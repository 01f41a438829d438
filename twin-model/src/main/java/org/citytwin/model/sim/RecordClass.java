package org.citytwin.model.sim;

import org.citytwin.model.event.RejectReason;

/** What a simulated record is: good, or which kind of deliberately bad record. */
public enum RecordClass {
    GOOD(null), MALFORMED(RejectReason.MALFORMED_JSON), UNKNOWN_ASSET(RejectReason.UNKNOWN_ASSET),
    UNKNOWN_METRIC(RejectReason.UNKNOWN_METRIC), UNKNOWN_EVENT_KIND(RejectReason.UNKNOWN_EVENT_KIND), NON_FINITE(RejectReason.NON_FINITE),
    DUPLICATE(RejectReason.DUPLICATE), LATE(RejectReason.LATE);

    private final RejectReason reason;

    RecordClass(RejectReason reason) { this.reason = reason; }

    /** The reason the product must reject it with (null for GOOD); DUPLICATE and LATE are found by the engine, not the parser. */
    public RejectReason expectedReason() { return reason; }

    /** True when the parser alone must reject it. */
    public boolean rejectedByParser() { return reason != null && reason != RejectReason.DUPLICATE && reason != RejectReason.LATE; }
}
