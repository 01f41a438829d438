package org.citytwin.jobs.engine.area;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.citytwin.model.catalog.Aggregation;

/**
 * One windowed indicator in one area for one window: item count, exact fixed-point sum and max,
 * the distinct labels (DISTINCT only) and a DDSketch (percentiles only, relative accuracy
 * {@link Aggregation#SKETCH_RELATIVE_ACCURACY}). The same type carries a partial (the items of
 * some assets), and partials combine by {@link #merge}: counts and sums add, maxima and label sets
 * join, sketch bins add. Every part is order-independent, so any parallelism and any arrival order
 * give the same value.
 *
 * <p>The sketch is worked on as an object and kept as bytes in {@link #sketch} for state and the
 * network: {@link #seal()} writes the bytes. The area's state serializer seals what it writes; a
 * partial is sealed before it is sent (the network uses Flink's POJO serializer).
 */
public final class WindowAccumulator {

    public long count;
    public long sum;
    public long max = Long.MIN_VALUE;
    public String[] distinct = new String[0];
    public byte[] sketch;
    /** The sketch being added to, decoded once from {@link #sketch}. */
    private transient DDSketch live;

    public WindowAccumulator() {}

    /** Adds one item; {@code label} (null: none) joins the distinct labels, the sketch is kept when asked. */
    void add(long value, String label, boolean keepSketch, double resolution) {
        count++;
        sum += value;
        max = Math.max(max, value);
        if (label != null) {
            addLabel(label);
        }
        if (keepSketch) {
            liveSketch().accept(value * resolution);
        }
    }

    /** Adds a partial of the same window. */
    void merge(WindowAccumulator partial) {
        count += partial.count;
        sum += partial.sum;
        max = Math.max(max, partial.max);
        for (String label : partial.distinct) {
            addLabel(label);
        }
        if (partial.sketch != null || partial.live != null) {
            liveSketch().mergeWith(partial.liveSketch());
        }
    }

    /** Writes the sketch's bytes; the accumulator is then ready to be stored or sent. */
    WindowAccumulator seal() {
        if (live != null) {
            GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
            try {
                live.encode(out, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            sketch = out.trimmedCopy();
        }
        return this;
    }

    double quantile(double q) {
        return liveSketch().getValueAtQuantile(q);
    }

    private DDSketch liveSketch() {
        if (live == null) {
            live = sketch == null ? DDSketches.unboundedDense(Aggregation.SKETCH_RELATIVE_ACCURACY) : decode(sketch);
        }
        return live;
    }

    private void addLabel(String label) {
        int at = Arrays.binarySearch(distinct, label);
        if (at < 0) {
            at = -at - 1;
            String[] next = new String[distinct.length + 1];
            System.arraycopy(distinct, 0, next, 0, at);
            next[at] = label;
            System.arraycopy(distinct, at, next, at + 1, distinct.length - at);
            distinct = next;
        }
    }

    private static DDSketch decode(byte[] bytes) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
