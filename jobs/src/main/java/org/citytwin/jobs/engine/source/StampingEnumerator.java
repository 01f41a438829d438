package org.citytwin.jobs.engine.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * The source's own enumerator, handing out its splits stamped: a split it assigns for the first
 * time has no watermark yet; a split a failed reader gave back keeps the watermark it was assigned
 * with (the reader's progress since then is lost with it), also through the enumerator's checkpoint.
 */
final class StampingEnumerator<S extends SourceSplit, E> implements SplitEnumerator<StampedSplit<S>, StampingEnumerator.State<E>> {

    /** The source's enumerator checkpoint, and the watermarks of the splits given back and not yet assigned again. */
    record State<E>(E enumerator, Map<String, Long> returned) {}

    /** Creates the source's enumerator on the context it is given. */
    interface Factory<S extends SourceSplit, E> {
        SplitEnumerator<S, E> create(SplitEnumeratorContext<S> context) throws Exception;
    }

    private final Map<String, Long> returned;
    private final SplitEnumerator<S, E> enumerator;

    StampingEnumerator(SplitEnumeratorContext<StampedSplit<S>> context, Map<String, Long> returned, Factory<S, E> factory)
            throws Exception {
        this.returned = new HashMap<>(returned);
        this.enumerator = factory.create(new Stamping(context));
    }

    @Override
    public void start() {
        enumerator.start();
    }

    @Override
    public void handleSplitRequest(int subtask, String hostname) {
        enumerator.handleSplitRequest(subtask, hostname);
    }

    @Override
    public void addSplitsBack(List<StampedSplit<S>> splits, int subtask) {
        List<S> plain = new ArrayList<>(splits.size());
        for (StampedSplit<S> stamped : splits) {
            returned.put(stamped.splitId(), stamped.watermark());
            plain.add(stamped.split());
        }
        enumerator.addSplitsBack(plain, subtask);
    }

    @Override
    public void addReader(int subtask) {
        enumerator.addReader(subtask);
    }

    @Override
    public State<E> snapshotState(long checkpointId) throws Exception {
        return new State<>(enumerator.snapshotState(checkpointId), Map.copyOf(returned));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        enumerator.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        enumerator.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtask, SourceEvent event) {
        enumerator.handleSourceEvent(subtask, event);
    }

    @Override
    public void close() throws IOException {
        enumerator.close();
    }

    /** The context the source's enumerator sees: its assignments reach the readers stamped. */
    private final class Stamping implements SplitEnumeratorContext<S> {

        private final SplitEnumeratorContext<StampedSplit<S>> context;

        Stamping(SplitEnumeratorContext<StampedSplit<S>> context) {
            this.context = context;
        }

        @Override
        public void assignSplits(SplitsAssignment<S> assignment) {
            Map<Integer, List<StampedSplit<S>>> stamped = new HashMap<>();
            assignment.assignment().forEach((subtask, splits) -> {
                List<StampedSplit<S>> list = new ArrayList<>(splits.size());
                for (S split : splits) {
                    Long watermark = returned.remove(split.splitId());
                    list.add(new StampedSplit<>(split, watermark == null ? Long.MIN_VALUE : watermark));
                }
                stamped.put(subtask, list);
            });
            context.assignSplits(new SplitsAssignment<>(stamped));
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return context.metricGroup();
        }

        @Override
        public void sendEventToSourceReader(int subtask, SourceEvent event) {
            context.sendEventToSourceReader(subtask, event);
        }

        @Override
        public void sendEventToSourceReader(int subtask, int attempt, SourceEvent event) {
            context.sendEventToSourceReader(subtask, attempt, event);
        }

        @Override
        public int currentParallelism() {
            return context.currentParallelism();
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return context.registeredReaders();
        }

        @Override
        public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
            return context.registeredReadersOfAttempts();
        }

        @Override
        public void signalNoMoreSplits(int subtask) {
            context.signalNoMoreSplits(subtask);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            context.callAsync(callable, handler);
        }

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelayMs, long periodMs) {
            context.callAsync(callable, handler, initialDelayMs, periodMs);
        }

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            context.runInCoordinatorThread(runnable);
        }

        @Override
        public void setIsProcessingBacklog(boolean isProcessingBacklog) {
            context.setIsProcessingBacklog(isProcessingBacklog);
        }
    }

    /** The source's enumerator checkpoint as its own serializer writes it (version, length, bytes), then the returned watermarks. */
    static final class StateSerializer<E> implements SimpleVersionedSerializer<State<E>> {

        private final SimpleVersionedSerializer<E> enumerator;

        StateSerializer(SimpleVersionedSerializer<E> enumerator) {
            this.enumerator = enumerator;
        }

        @Override
        public int getVersion() {
            return StampedSplit.Serializer.VERSION;
        }

        @Override
        public byte[] serialize(State<E> state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            SimpleVersionedSerialization.writeVersionAndSerialize(enumerator, state.enumerator(), out);
            out.writeInt(state.returned().size());
            for (Map.Entry<String, Long> e : state.returned().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public State<E> deserialize(int version, byte[] serialized) throws IOException {
            StampedSplit.Serializer.requireVersion("feed enumerator checkpoint", version);
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            E inner = SimpleVersionedSerialization.readVersionAndDeSerialize(enumerator, in);
            int n = in.readInt();
            Map<String, Long> returned = new HashMap<>(n);
            for (int i = 0; i < n; i++) {
                returned.put(in.readUTF(), in.readLong());
            }
            return new State<>(inner, returned);
        }
    }
}
