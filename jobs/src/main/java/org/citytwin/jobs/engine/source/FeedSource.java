package org.citytwin.jobs.engine.source;

import java.io.Serializable;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The feed as the engine reads it: a source of feed records whose splits are the feed's
 * partitions (Kafka's, or the archive's), and which partition each split is.
 * {@link #stamped} gives the source the engine runs, whose records carry their partition's
 * watermark ({@link StampingReader}).
 *
 * @param source the records of the partitions, parsed
 * @param partitionOf the partition number of a split (as in {@link FeedRecord#partition})
 */
public record FeedSource<S extends SourceSplit, E>(Source<FeedRecord, S, E> source, PartitionOf<S> partitionOf)
        implements Serializable {

    /** The partition a split reads. */
    public interface PartitionOf<S> extends Serializable {
        int partition(S split);
    }

    /** This source, its records stamped with their partition's watermark under this out-of-orderness. */
    public Source<FeedRecord, ?, ?> stamped(long maxOutOfOrdernessMs) {
        return new Stamped<>(this, maxOutOfOrdernessMs);
    }

    private record Stamped<S extends SourceSplit, E>(FeedSource<S, E> feed, long maxOutOfOrdernessMs)
            implements Source<FeedRecord, StampedSplit<S>, StampingEnumerator.State<E>> {

        @Override
        public Boundedness getBoundedness() {
            return feed.source().getBoundedness();
        }

        @Override
        public SourceReader<FeedRecord, StampedSplit<S>> createReader(SourceReaderContext context) throws Exception {
            return new StampingReader<>(feed.source().createReader(context), feed.partitionOf(), maxOutOfOrdernessMs);
        }

        @Override
        public SplitEnumerator<StampedSplit<S>, StampingEnumerator.State<E>> createEnumerator(
                SplitEnumeratorContext<StampedSplit<S>> context) throws Exception {
            return new StampingEnumerator<>(context, java.util.Map.of(), feed.source()::createEnumerator);
        }

        @Override
        public SplitEnumerator<StampedSplit<S>, StampingEnumerator.State<E>> restoreEnumerator(
                SplitEnumeratorContext<StampedSplit<S>> context, StampingEnumerator.State<E> state) throws Exception {
            return new StampingEnumerator<>(context, state.returned(),
                    c -> feed.source().restoreEnumerator(c, state.enumerator()));
        }

        @Override
        public SimpleVersionedSerializer<StampedSplit<S>> getSplitSerializer() {
            return new StampedSplit.Serializer<>(feed.source().getSplitSerializer());
        }

        @Override
        public SimpleVersionedSerializer<StampingEnumerator.State<E>> getEnumeratorCheckpointSerializer() {
            return new StampingEnumerator.StateSerializer<>(feed.source().getEnumeratorCheckpointSerializer());
        }
    }
}
