package org.citytwin.jobs.archive;

import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * One gzip stream per part file, one record's original JSON per line. A payload's raw CR or LF
 * can only be whitespace between JSON tokens (inside strings they must be escaped), so they are
 * written as spaces: the line parses to the same event.
 */
final class GzipJsonLines implements BulkWriter.Factory<FeedRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public BulkWriter<FeedRecord> create(FSDataOutputStream out) throws IOException {
        GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024);
        return new BulkWriter<>() {
            @Override
            public void addElement(FeedRecord record) throws IOException {
                gzip.write(oneLine(record.payload()));
                gzip.write('\n');
            }

            @Override
            public void flush() throws IOException {
                gzip.flush();
            }

            @Override
            public void finish() throws IOException {
                gzip.finish(); // the trailer; the sink closes the stream itself
            }
        };
    }

    static byte[] oneLine(byte[] payload) {
        byte[] line = null;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == '\n' || payload[i] == '\r') {
                if (line == null) {
                    line = payload.clone();
                }
                line[i] = ' ';
            }
        }
        return line == null ? payload : line;
    }
}
