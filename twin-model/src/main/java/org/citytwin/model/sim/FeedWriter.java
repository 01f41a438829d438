package org.citytwin.model.sim;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/** Writes simulated records as JSON lines (gzip when the file name ends in .gz), as fast as possible or at real-time pace. */
public final class FeedWriter {
    /** How fast to emit: real time follows event time on the wall clock; fast does not wait. */
    public enum Pace { REALTIME, FAST }

    private FeedWriter() {
    }

    /**
     * Sends every record of {@code sim} to {@code sink}, pacing by event time when asked, and calls
     * {@code progress} with the running count every 10,000 records. Returns the number of records.
     */
    public static long run(CitySimulator sim, Pace pace, Consumer<SimRecord> sink, Consumer<Long> progress)
            throws InterruptedException {
        long n = 0;
        long wallStart = System.currentTimeMillis();
        for (SimRecord r : sim) {
            if (pace == Pace.REALTIME) {
                long due = wallStart + (r.time() - sim.start());
                long wait = due - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            }
            sink.accept(r);
            if (++n % 10_000 == 0 && progress != null) {
                progress.accept(n);
            }
        }
        if (progress != null) {
            progress.accept(n);
        }
        return n;
    }

    /** Writes the whole feed to a JSON-lines file. */
    public static long write(CitySimulator sim, Path file, Pace pace, Consumer<Long> progress)
            throws IOException, InterruptedException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream o = new BufferedOutputStream(file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16)) {
            IOException[] failure = new IOException[1];
            long n = run(sim, pace, r -> {
                try {
                    o.write(r.json());
                    o.write('\n');
                } catch (IOException e) {
                    failure[0] = e;
                    throw new java.io.UncheckedIOException(e);
                }
            }, progress);
            return n;
        }
    }
}
