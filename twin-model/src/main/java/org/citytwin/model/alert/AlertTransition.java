package org.citytwin.model.alert;

/**
 * One change of an alert at event time {@code time}: the value that caused it, the threshold it is
 * measured against (warning or critical level, or {@code clear} on resolve), when the firing
 * began ({@code startsAt}, for FIRING and RESOLVED) and whether the alert is flapping.
 */
public record AlertTransition(TransitionKind kind, Severity severity, long time, double value, double threshold,
        long startsAt, boolean flapping) {}
