package org.citytwin.jobs.cli;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
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
 * {@code META-INF/services}; the demo enables it with {@link #OPTIONS}.
 */
public final class NotificationDelays implements MetricReporterFactory, MetricReporter {

    /** Engine options that start this reporter. */
    static final List<String> OPTIONS = List.of("metrics.reporter.twin_demo_delays.factory.class=" + NotificationDelays.class.getName());

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
     * "p50 X ms, p99 Y ms over N" per receiver sink subtask with deliveries (the last 10,000 each), or
     * null when nothing was delivered yet.
     */
    static String summary() {
        StringBuilder out = new StringBuilder();
        for (Histogram h : HISTOGRAMS) {
            if (h.getCount() == 0) {
                continue;
            }
            HistogramStatistics s = h.getStatistics();
            out.append(out.isEmpty() ? "" : "; ").append(String.format("p50 %.0f ms, p99 %.0f ms over %d",
                    s.getQuantile(0.5), s.getQuantile(0.99), s.size()));
        }
        return out.isEmpty() ? null : out.toString();
    }
}
