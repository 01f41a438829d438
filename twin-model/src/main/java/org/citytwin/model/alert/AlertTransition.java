package org.citytwin.model.alert;

/**
 * One change of an alert at event time {@code time}: what it is about ({@code condition}), the
 * value that caused it, the threshold it is measured against (warning or critical level, or
 * {@code clear} on resolve; for no-data and feed-stopped alerts, both in seconds: how long nothing
 * came and the limit), when the firing began ({@code startsAt}, for FIRING and RESOLVED) and
 * whether the alert is flapping.
 */
public record AlertTransition(AlertCondition condition, TransitionKind kind, Severity severity, long time, double value, double threshold,
        long startsAt, boolean flapping) {}
