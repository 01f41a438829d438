/**
 * Alert notifications: {@link org.citytwin.jobs.sink.notify.NotificationSink} delivers alert
 * transitions to one configured {@link org.citytwin.jobs.sink.notify.Receiver} — a generic
 * webhook (Alertmanager webhook payload, version 4) or an Alertmanager ({@code POST
 * /api/v2/alerts}) — signed, retried, ordered per alert, and kept in checkpointed writer state
 * until delivered.
 */
package org.citytwin.jobs.sink.notify;
