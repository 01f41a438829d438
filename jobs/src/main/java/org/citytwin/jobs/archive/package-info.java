/**
 * The feed archive: the accepted feed records as gzip JSON lines in a directory per hour and Kafka
 * partition ({@link org.citytwin.jobs.archive.FeedArchive} writes them from the engine with Flink's
 * FileSink, exactly-once), and the same files read back for {@code twin replay}, each partition in
 * its written order as a split with its own watermark, like the live Kafka source
 * ({@link org.citytwin.jobs.archive.ArchiveSource}). Layout and retention: docs/replay.md.
 */
package org.citytwin.jobs.archive;
