package org.citytwin.model.event;

import java.io.Serializable;

/** A record that was not accepted, with the reason and a precise detail. */
public record Rejection(RejectReason reason, String detail) implements Serializable {
}
