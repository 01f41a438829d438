/**
 * The feed archive: the accepted feed records as gzip JSON lines in hour directories
 * ({@link org.citytwin.jobs.archive.FeedArchive} writes them from the engine with Flink's FileSink,
 * exactly-once), and the same files read back in their written order for {@code twin replay}
 * ({@link org.citytwin.jobs.archive.ArchiveSource}). Layout and retention: docs/replay.md.
 */
package org.citytwin.jobs.archive;
