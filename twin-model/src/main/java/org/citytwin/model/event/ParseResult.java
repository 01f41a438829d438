package org.citytwin.model.event;

/** Either an accepted {@link Event} or a {@link Rejection}. */
public record ParseResult(Event event, Rejection rejection) {
    public static ParseResult ok(Event e) { return new ParseResult(e, null); }

    public static ParseResult reject(RejectReason r, String detail) { return new ParseResult(null, new Rejection(r, detail)); }

    public boolean ok() { return event != null; }
}
