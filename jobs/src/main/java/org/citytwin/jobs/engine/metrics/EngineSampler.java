package org.citytwin.jobs.engine.metrics;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that writes one component's {@link EngineSample}s every {@link #INTERVAL_MS}, whether
 * records flow or not, and once more when stopped; off the record path, logging a failed write once
 * per outage. Samples that must not be lost (one per event, not a total) are kept by their source
 * until {@link Source#written} says they landed.
 */
public final class EngineSampler {

    /** How often samples are written. */
    public static final long INTERVAL_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(EngineSampler.class);

    /** What a component has to report now. */
    public interface Source {
        /** The samples to write, timed {@code now} when they are totals. */
        List<EngineSample> samples(long now);

        /** The samples returned by the last {@link #samples} call were written. */
        default void written(List<EngineSample> samples) {}
    }

    private final String name;
    private final Source source;
    private final EngineSampleWriter writer;
    private ScheduledExecutorService thread;
    private volatile boolean failing;

    /** @param name the component, for the thread's name and the log ("twin 0", "points sink 1") */
    public EngineSampler(String name, Source source, EngineSampleWriter writer) {
        this.name = name;
        this.source = source;
        this.writer = writer;
    }

    public void start() {
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "engine-samples " + name);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::writeSamples, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Stops the thread and writes the last samples. */
    public void stop() throws InterruptedException {
        if (thread != null) {
            thread.shutdownNow();
            thread.awaitTermination(10, TimeUnit.SECONDS);
            writeSamples();
            thread = null;
        }
    }

    private void writeSamples() {
        try {
            List<EngineSample> samples = source.samples(System.currentTimeMillis());
            writer.write(samples);
            source.written(samples);
            if (failing) {
                LOG.info("engine samples of {} are written again", name);
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!failing) {
                // Once per outage: totals are made good by the next sample, events are kept until written.
                LOG.warn("engine samples of {} not written ({}); retrying every {} ms", name, e, INTERVAL_MS);
                failing = true;
            }
        }
    }
}
