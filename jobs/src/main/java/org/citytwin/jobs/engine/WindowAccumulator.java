package org.citytwin.jobs.engine;

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
 * {@link Aggregation#SKETCH_RELATIVE_ACCURACY}). Every part is order-independent, so any
 * parallelism and any arrival order give the same value.
 */
public final class WindowAccumulator {

    public long count;
    public long sum;
    public long max = Long.MIN_VALUE;
    public String[] distinct = new String[0];
    public byte[] sketch;

    public WindowAccumulator() {}

    void add(long value, String label, Aggregation aggregation, double resolution) {
        count++;
        sum += value;
        max = Math.max(max, value);
        if (aggregation == Aggregation.DISTINCT && label != null) {
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
        if (aggregation.isPercentile()) {
            DDSketch s = sketch == null ? DDSketches.unboundedDense(Aggregation.SKETCH_RELATIVE_ACCURACY) : decode(sketch);
            s.accept(value * resolution);
            sketch = encode(s);
        }
    }

    double quantile(double q) {
        return decode(sketch).getValueAtQuantile(q);
    }

    private static byte[] encode(DDSketch s) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            s.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.trimmedCopy();
    }

    private static DDSketch decode(byte[] bytes) {
        try {
            return DDSketch.decode(ByteArrayInput.wrap(bytes), UnboundedSizeDenseStore::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
