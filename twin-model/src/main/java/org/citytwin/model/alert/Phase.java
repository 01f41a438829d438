package org.citytwin.model.alert;

/** Where the raw rule stands: within thresholds, beyond them for less than {@code for}, or firing. */
public enum Phase { OK, PENDING, FIRING }
