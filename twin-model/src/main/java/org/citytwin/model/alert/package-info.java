/**
 * Threshold alert rules evaluated point by point: the state machine OK → PENDING → FIRING →
 * RESOLVED with {@code for}, {@code clear} hysteresis, warning/critical severities and flapping
 * suppression. Plain Java, no Flink: the engine's {@code AlertFunction} keeps an {@link
 * org.citytwin.model.alert.AlertState} per indicator, area and run and feeds it points.
 */
package org.citytwin.model.alert;
