package org.citytwin.jobs.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The committed part files of the archive hours that overlap a time range, one {@link ArchiveSplit}
 * per Kafka partition ({@code HOUR/partition-N/}), each partition's files in the order they were
 * written: by hour, then by modification time (the one writer of a partition commits its files
 * of an hour one checkpoint after the other; after a restore at another parallelism another writer
 * continues later), then by name and part number. Part files directly in an hour directory are of
 * the layout before partitions, which mixed every partition: they count as partition 0. Hidden
 * files and directories ({@code .}, {@code _}) are still being written or left by a failed attempt,
 * and are never read.
 */
public final class ArchiveFiles {

    private static final long HOUR_MS = 3_600_000;
    static final String PARTITION_PREFIX = "partition-";

    /** Written order within a partition: hour directory, modification time, name, part number. */
    static final Comparator<PartFile> WRITTEN_ORDER = Comparator.comparing(PartFile::hour)
            .thenComparingLong(PartFile::modified)
            .thenComparing(PartFile::writer)
            .thenComparingLong(PartFile::part)
            .thenComparing(PartFile::path);

    private ArchiveFiles() {}

    /** A committed part file and what orders it. */
    record PartFile(String hour, long modified, String writer, long part, String path) {

        static PartFile of(String hour, FileStatus status) {
            String name = status.getPath().getName();
            String stem = name.substring(0, name.length() - FeedArchive.SUFFIX.length()); // feed-<uuid>-<n>
            int dash = stem.lastIndexOf('-');
            long part = -1;
            try {
                part = Long.parseLong(stem.substring(dash + 1));
            } catch (NumberFormatException notFlinksName) {
                // a part file renamed by hand: ordered by its name only
            }
            return new PartFile(hour, status.getModificationTime(), part < 0 ? stem : stem.substring(0, dash), part,
                    status.getPath().toString());
        }
    }

    /**
     * The partitions of the hours from {@code fromHour} to {@code toHour} (event times, each rounded
     * down to its hour; both included), ordered by partition, each with its files in written order.
     *
     * @throws IllegalStateException when an hour holds a directory that is not a partition's
     */
    public static List<ArchiveSplit> between(String root, long fromHour, long toHour) throws IOException {
        Path base = new Path(root);
        FileSystem fs = base.getFileSystem();
        Map<Integer, List<PartFile>> byPartition = new TreeMap<>();
        for (long hour = Math.floorDiv(fromHour, HOUR_MS) * HOUR_MS; hour <= toHour; hour += HOUR_MS) {
            String hourName = ArchiveHours.directory(hour);
            Path dir = new Path(base, hourName);
            if (!fs.exists(dir)) {
                continue;
            }
            for (FileStatus entry : fs.listStatus(dir)) {
                String name = entry.getPath().getName();
                if (hidden(name)) {
                    continue;
                }
                if (!entry.isDir()) {
                    addPartFile(byPartition, 0, hourName, entry); // the layout before partitions
                    continue;
                }
                int partition = partitionOf(entry.getPath());
                for (FileStatus file : fs.listStatus(entry.getPath())) {
                    if (!file.isDir() && !hidden(file.getPath().getName())) {
                        addPartFile(byPartition, partition, hourName, file);
                    }
                }
            }
        }
        List<ArchiveSplit> splits = new ArrayList<>(byPartition.size());
        byPartition.forEach((partition, files) -> {
            files.sort(WRITTEN_ORDER);
            splits.add(new ArchiveSplit(partition, files.stream().map(PartFile::path).toList()));
        });
        return splits;
    }

    private static void addPartFile(Map<Integer, List<PartFile>> byPartition, int partition, String hour,
            FileStatus file) {
        if (file.getPath().getName().endsWith(FeedArchive.SUFFIX)) {
            byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(PartFile.of(hour, file));
        }
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** The partition of a directory {@code partition-N} in an hour. */
    private static int partitionOf(Path dir) {
        String name = dir.getName();
        if (name.startsWith(PARTITION_PREFIX)) {
            try {
                int partition = Integer.parseInt(name.substring(PARTITION_PREFIX.length()));
                if (partition >= 0) {
                    return partition;
                }
            } catch (NumberFormatException notANumber) {
                // reported below
            }
        }
        throw new IllegalStateException("the archive directory " + dir + " is not a partition's (partition-N, N >= 0);"
                + " an hour holds only part files and partition directories");
    }
}
