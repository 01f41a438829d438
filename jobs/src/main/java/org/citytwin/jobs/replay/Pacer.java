package org.citytwin.jobs.replay;

import java.io.Serializable;

/**
 * Paces a replay: event time {@code first + d} is let through no sooner than {@code d / speed}
 * after the first record (at event time {@code first}), so wall screens and alerts play the period
 * like a film; a quiet start of the period is not waited for. Paced on the highest event time seen,
 * so a late record never waits. Speed 0 means as fast as possible.
 */
public final class Pacer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double speed;
    private transient long startNanos;
    private transient long first;
    private transient long maxTime;

    public Pacer(double speed) {
        this.speed = speed;
    }

    /** Blocks until {@code eventTime} is due. */
    public void await(long eventTime) {
        if (speed <= 0) {
            return;
        }
        if (startNanos == 0) {
            startNanos = System.nanoTime();
            first = eventTime;
            maxTime = eventTime;
        }
        if (eventTime <= maxTime) {
            return;
        }
        maxTime = eventTime;
        long dueNanos = startNanos + (long) ((eventTime - first) * 1_000_000 / speed);
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
