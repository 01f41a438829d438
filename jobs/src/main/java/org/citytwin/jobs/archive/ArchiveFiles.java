package org.citytwin.jobs.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The committed part files of the archive hours that overlap a time range, in the order they were
 * written: by hour, then by modification time (a writer commits its files of an hour one
 * checkpoint after the other), then by name. Hidden files ({@code .}, {@code _}) are files still
 * being written or left by a failed attempt, and are never read.
 */
public final class ArchiveFiles {

    private static final long HOUR_MS = 3_600_000;

    /** Written order: hour directory, modification time, name. */
    static final Comparator<FileSourceSplit> WRITTEN_ORDER = Comparator
            .comparing((FileSourceSplit split) -> split.path().getParent().getParent().getName())
            .thenComparing(split -> split.path().getParent().getName())
            .thenComparingLong(FileSourceSplit::fileModificationTime)
            .thenComparing(split -> split.path().getName());

    private ArchiveFiles() {}

    /**
     * The part files of the hours from {@code fromHour} to {@code toHour} (event times, each
     * rounded down to its hour; both included), in written order.
     */
    public static List<FileSourceSplit> between(String root, long fromHour, long toHour) throws IOException {
        Path base = new Path(root);
        FileSystem fs = base.getFileSystem();
        List<FileSourceSplit> splits = new ArrayList<>();
        for (long hour = Math.floorDiv(fromHour, HOUR_MS) * HOUR_MS; hour <= toHour; hour += HOUR_MS) {
            Path dir = new Path(base, ArchiveHours.directory(hour));
            if (!fs.exists(dir)) {
                continue;
            }
            for (FileStatus file : fs.listStatus(dir)) {
                String name = file.getPath().getName();
                if (!file.isDir() && !name.startsWith(".") && !name.startsWith("_") && name.endsWith(FeedArchive.SUFFIX)) {
                    splits.add(new FileSourceSplit(name, file.getPath(), 0, file.getLen(), file.getModificationTime(),
                            file.getLen()));
                }
            }
        }
        splits.sort(WRITTEN_ORDER);
        List<FileSourceSplit> numbered = new ArrayList<>(splits.size());
        for (FileSourceSplit s : splits) { // split ids unique across hours
            numbered.add(new FileSourceSplit(numbered.size() + ":" + s.path().getName(), s.path(), 0, s.length(),
                    s.fileModificationTime(), s.fileSize()));
        }
        return numbered;
    }
}
