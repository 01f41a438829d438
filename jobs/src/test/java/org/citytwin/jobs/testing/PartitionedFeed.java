package org.citytwin.jobs.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.citytwin.model.sim.RecordClass;
import org.citytwin.model.sim.SimRecord;

/**
 * A simulated feed spread over Kafka partitions by its key (the asset id, so an asset's records stay
 * in one partition), with a share of its good records held back in their partition until they arrive
 * behind the partition's watermark but within the allowed lateness — what a slow gateway or a
 * reconnecting device does. The watermark is the one of docs/indicator-semantics.md.
 */
public final class PartitionedFeed {

    /** Held back at least this far past the watermark. */
    private static final long MIN_DELAY_MS = 5_000;
    /** Held back no closer than this to the lateness horizon, so a held-back record is never LATE. */
    private static final long LATENESS_MARGIN_MS = 60_000;

    private PartitionedFeed() {}

    /** The records of each partition and how many of them arrive behind their partition's watermark. */
    public record Partitions(List<List<SimRecord>> records, long goodRecords, long goodBehindWatermark) {

        /** The share of the good records (those the engine must accept) that arrive behind the watermark. */
        public double behindShare() {
            return (double) goodBehindWatermark / goodRecords;
        }
    }

    /** The partition a key goes to. */
    public static int partitionOf(String key, int partitions) {
        return Math.floorMod(key.hashCode(), partitions);
    }

    /**
     * Spreads the time-ordered {@code feed} over {@code partitions} and holds back about {@code
     * heldBackShare} of its good records, each until its partition's highest event time is between
     * {@code maxOutOfOrderness + 5 s} and {@code maxOutOfOrderness + allowedLateness − 1 min} past it
     * (seeded). Good records that the feed repeats as a DUPLICATE are not held back, so which copy
     * is the duplicate does not change.
     */
    public static Partitions arrange(List<SimRecord> feed, int partitions, double heldBackShare,
            Duration maxOutOfOrderness, Duration allowedLateness, long seed) {
        Set<String> repeated = new HashSet<>();
        for (SimRecord r : feed) {
            if (r.recordClass() == RecordClass.DUPLICATE) {
                repeated.add(r.text());
            }
        }
        List<List<SimRecord>> byPartition = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            byPartition.add(new ArrayList<>());
        }
        feed.forEach(r -> byPartition.get(partitionOf(r.key(), partitions)).add(r));
        Random random = new Random(seed);
        long ooo = maxOutOfOrderness.toMillis();
        long maxDelay = allowedLateness.toMillis() - LATENESS_MARGIN_MS;
        List<List<SimRecord>> arranged = new ArrayList<>();
        for (List<SimRecord> records : byPartition) {
            List<SimRecord> out = new ArrayList<>(records.size());
            PriorityQueue<HeldBack> held = new PriorityQueue<>(Comparator.comparingLong(HeldBack::releaseAt));
            long maxTime = Long.MIN_VALUE;
            for (SimRecord r : records) {
                if (r.recordClass() == RecordClass.GOOD && !repeated.contains(r.text())
                        && random.nextDouble() < heldBackShare) {
                    long delay = MIN_DELAY_MS + (long) (random.nextDouble() * (maxDelay - MIN_DELAY_MS));
                    held.add(new HeldBack(r, r.time() + ooo + delay));
                    continue;
                }
                out.add(r);
                if (!r.recordClass().rejectedByParser()) {
                    maxTime = Math.max(maxTime, r.time());
                }
                while (!held.isEmpty() && held.peek().releaseAt <= maxTime) {
                    out.add(held.poll().record);
                }
            }
            while (!held.isEmpty()) {
                out.add(held.poll().record);
            }
            arranged.add(out);
        }
        return count(arranged, maxOutOfOrderness, allowedLateness);
    }

    /**
     * Counts, from the records alone, the good ones and those of them that arrive behind their
     * partition's watermark ({@code t ≤ W}) but not LATE ({@code t > W − allowedLateness}). W follows
     * every record the parser accepts (the simulator labels the ones it rejects).
     */
    public static Partitions count(List<List<SimRecord>> partitions, Duration maxOutOfOrderness,
            Duration allowedLateness) {
        long good = 0;
        long behind = 0;
        for (List<SimRecord> records : partitions) {
            long maxTime = Long.MIN_VALUE;
            for (SimRecord r : records) {
                if (r.recordClass() == RecordClass.GOOD) {
                    good++;
                    if (maxTime != Long.MIN_VALUE) {
                        long watermark = Math.floorDiv(maxTime - maxOutOfOrderness.toMillis() - 1, 1000) * 1000;
                        if (r.time() <= watermark && r.time() > watermark - allowedLateness.toMillis()) {
                            behind++;
                        }
                    }
                }
                if (!r.recordClass().rejectedByParser()) {
                    maxTime = Math.max(maxTime, r.time());
                }
            }
        }
        return new Partitions(partitions, good, behind);
    }

    /** The payloads of each partition, in partition order. */
    public static List<List<byte[]>> payloads(List<List<SimRecord>> partitions) {
        List<List<byte[]>> out = new ArrayList<>();
        for (List<SimRecord> records : partitions) {
            out.add(records.stream().map(SimRecord::json).toList());
        }
        return out;
    }

    private record HeldBack(SimRecord record, long releaseAt) {}
}
