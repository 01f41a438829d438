package org.citytwin.jobs.testing;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The smallest job that crosses the network: the numbers 1..N (the first argument) sent round-robin
 * to a discarding sink, so the sink's vertex counts N records read. Packed into a jar of its own by
 * {@link StandaloneFlinkClusterITCase}; only Flink's classes, which the cluster has.
 */
public final class SequenceJob {

    private SequenceJob() {}

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(1, Long.parseLong(args[0])).rebalance().sinkTo(new DiscardingSink<>());
        env.execute("sequence 1.." + args[0]);
    }
}
