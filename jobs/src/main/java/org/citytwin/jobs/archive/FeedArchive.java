package org.citytwin.jobs.archive;

import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * The archive sink: accepted feed records as gzip JSON lines under {@code DIR/yyyy-MM-dd/HH/partition-N/}
 * ({@link ArchiveHours}), in part files {@code feed-<uuid>-<n>.jsonl.gz} that are committed when a
 * checkpoint completes (and at the end of a bounded run), so a restart neither loses nor repeats a
 * record. Files still being written are hidden ({@code .feed-...inprogress...}).
 */
public final class FeedArchive {

    static final String PREFIX = "feed";
    static final String SUFFIX = ".jsonl.gz";

    private FeedArchive() {}

    /**
     * @param dir archive root: a local path or a URI of any Flink file system (s3://, hdfs://)
     * @param maxOutOfOrderness the engine's watermark out-of-orderness (the first record's clock)
     */
    public static Sink<FeedRecord> sink(String dir, Duration maxOutOfOrderness) {
        return FileSink.forBulkFormat(new Path(dir), new GzipJsonLines())
                .withBucketAssigner(new ArchiveHours(maxOutOfOrderness.toMillis()))
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(PREFIX).withPartSuffix(SUFFIX).build())
                .build();
    }
}
