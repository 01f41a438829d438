/**
 * {@code twin replay}'s parts around the unchanged engine: the period to read and its pacing
 * ({@link org.citytwin.jobs.replay.ReplayDeserializer}, {@link org.citytwin.jobs.replay.Pacer}), the
 * indicators a backfill writes ({@link org.citytwin.jobs.replay.SelectedPoints}) and the progress
 * line ({@link org.citytwin.jobs.replay.ReplayProgress}). See docs/replay.md.
 */
package org.citytwin.jobs.replay;
