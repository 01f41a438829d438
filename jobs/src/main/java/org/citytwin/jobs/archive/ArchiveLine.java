package org.citytwin.jobs.archive;

import org.citytwin.jobs.engine.source.FeedRecord;

/** A record read from an archive split, with the split's position after it: file index and lines read. */
record ArchiveLine(FeedRecord record, int file, long linesRead) {}
