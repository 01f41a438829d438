package org.citytwin.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.citytwin.jobs.sink.notify.NotificationSink;

/**
 * The demo's view of the notification sinks' delay histograms ({@link NotificationSink#DELAY_METRIC}):
 * a metric reporter that Flink starts in the demo's own JVM (its MiniCluster), which keeps the
 * histograms so the live summary can print their p50/p99. Registered under
 * {@code META-INF/services}; the demo enables it with {@link #FACTORY_OPTION}.
 */
public final class NotificationDelays implements MetricReporterFactory, MetricReporter {

    /** The Flink option that starts this reporter, with this class's name as its value. */
    static final String FACTORY_OPTION = "metrics.reporter.twin_demo_delays.factory.class";

    private static final List<Histogram> HISTOGRAMS = new CopyOnWriteArrayList<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (NotificationSink.DELAY_METRIC.equals(name) && metric instanceof Histogram h) {
            HISTOGRAMS.add(h);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        HISTOGRAMS.remove(metric);
    }

    /**
     * "p50 X ms, p99 Y ms over N notifications" over the last 10,000 deliveries of every receiver's
     * sink subtasks together (nearest rank), or null when nothing was delivered yet.
     */
    static String summary() {
        List<Long> delays = new ArrayList<>();
        for (Histogram h : HISTOGRAMS) {
            for (long v : h.getStatistics().getValues()) {
                delays.add(v);
            }
        }
        if (delays.isEmpty()) {
            return null;
        }
        Collections.sort(delays);
        return String.format("p50 %d ms, p99 %d ms over %d notifications", rank(delays, 0.50), rank(delays, 0.99),
                delays.size());
    }

    private static long rank(List<Long> sorted, double q) {
        return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
