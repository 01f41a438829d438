package org.citytwin.jobs.archive;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * One Kafka partition of the archived feed as a source split: its part files of the replayed hours
 * in written order, and how far they were read (the file, and the lines of it already read). Like a
 * Kafka partition split, it is read in order and has its own watermark.
 */
public final class ArchiveSplit implements SourceSplit, Serializable {

    private static final long serialVersionUID = 1L;

    private final int partition;
    private final List<String> files;
    private final int file;
    private final long linesRead;

    /** @param files the partition's part files (file system URIs or paths), in written order */
    public ArchiveSplit(int partition, List<String> files) {
        this(partition, files, 0, 0);
    }

    ArchiveSplit(int partition, List<String> files, int file, long linesRead) {
        this.partition = partition;
        this.files = List.copyOf(files);
        this.file = file;
        this.linesRead = linesRead;
    }

    @Override
    public String splitId() {
        return "partition-" + partition;
    }

    /** The Kafka partition the records were read from live. */
    public int partition() {
        return partition;
    }

    public List<String> files() {
        return files;
    }

    /** The index of the file to read next. */
    int file() {
        return file;
    }

    /** The lines of {@link #file()} already read. */
    long linesRead() {
        return linesRead;
    }

    /** The same split, read up to that position. */
    ArchiveSplit at(int fileIndex, long lines) {
        return new ArchiveSplit(partition, files, fileIndex, lines);
    }

    @Override
    public String toString() {
        return splitId() + " (" + files.size() + " files, at file " + file + " line " + linesRead + ")";
    }

    /** Splits in checkpoints: partition, position, file names. */
    static final class Serializer implements SimpleVersionedSerializer<ArchiveSplit> {

        static final Serializer INSTANCE = new Serializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ArchiveSplit split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + 64 * split.files.size());
            write(split, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public ArchiveSplit deserialize(int version, byte[] serialized) throws IOException {
            checkVersion(version);
            return read(new DataInputDeserializer(serialized));
        }

        static void write(ArchiveSplit split, DataOutputSerializer out) throws IOException {
            out.writeInt(split.partition);
            out.writeInt(split.file);
            out.writeLong(split.linesRead);
            out.writeInt(split.files.size());
            for (String f : split.files) {
                out.writeUTF(f);
            }
        }

        static ArchiveSplit read(DataInputDeserializer in) throws IOException {
            int partition = in.readInt();
            int file = in.readInt();
            long lines = in.readLong();
            int n = in.readInt();
            List<String> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                files.add(in.readUTF());
            }
            return new ArchiveSplit(partition, files, file, lines);
        }

        static void checkVersion(int version) throws IOException {
            if (version != 1) {
                throw new IOException("archive split version " + version + " is not known (1 is)");
            }
        }
    }

    /** The enumerator's checkpoint: the splits not yet assigned to a reader. */
    static final class PendingSerializer implements SimpleVersionedSerializer<List<ArchiveSplit>> {

        static final PendingSerializer INSTANCE = new PendingSerializer();

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<ArchiveSplit> splits) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeInt(splits.size());
            for (ArchiveSplit s : splits) {
                Serializer.write(s, out);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public List<ArchiveSplit> deserialize(int version, byte[] serialized) throws IOException {
            Serializer.checkVersion(version);
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int n = in.readInt();
            List<ArchiveSplit> splits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                splits.add(Serializer.read(in));
            }
            return splits;
        }
    }
}
