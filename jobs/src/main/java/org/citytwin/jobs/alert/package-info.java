/**
 * Threshold alerts in the engine: {@link org.citytwin.jobs.alert.AlertFunction} evaluates the
 * model's alert rules on indicator points (keyed by indicator, area and run, in event time) and
 * emits {@link org.citytwin.jobs.alert.AlertEvent}s, written to the {@code alert} measurement and
 * handed to the notification sinks.
 */
package org.citytwin.jobs.alert;
