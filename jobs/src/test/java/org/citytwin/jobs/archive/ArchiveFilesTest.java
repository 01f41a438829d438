package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveFilesTest {

    @Test
    void eachPartitionsFilesOfThePeriodsHoursComeInWrittenOrderWithoutHiddenOnes(@TempDir Path root) throws Exception {
        // Hour 08, partition 0: written b then a (modification times), plus a file still being written.
        file(root, "2025-07-01/08/partition-0/feed-b-0.jsonl.gz", "2025-07-01T08:20:00Z");
        file(root, "2025-07-01/08/partition-0/feed-a-0.jsonl.gz", "2025-07-01T08:40:00Z");
        file(root, "2025-07-01/08/partition-0/.feed-c-0.jsonl.gz.inprogress.1234", "2025-07-01T08:50:00Z");
        // Partition 3: two files of one writer committed within the same millisecond: part 9 before part 10.
        file(root, "2025-07-01/08/partition-3/feed-w-10.jsonl.gz", "2025-07-01T08:30:00Z");
        file(root, "2025-07-01/08/partition-3/feed-w-9.jsonl.gz", "2025-07-01T08:30:00Z");
        // Hour 09, written before hour 08's last file (another writer): still after all of hour 08.
        file(root, "2025-07-01/09/partition-0/feed-d-0.jsonl.gz", "2025-07-01T08:30:00Z");
        // Outside the hours asked for.
        file(root, "2025-07-01/07/partition-0/feed-e-0.jsonl.gz", "2025-07-01T07:30:00Z");
        file(root, "2025-07-01/10/partition-1/feed-f-0.jsonl.gz", "2025-07-01T10:30:00Z");

        List<ArchiveSplit> splits = ArchiveFiles.between(root.toString(), millis("2025-07-01T08:15:00Z"),
                millis("2025-07-01T09:59:59Z"));

        assertThat(splits).extracting(ArchiveSplit::partition).containsExactly(0, 3);
        assertThat(names(splits.get(0))).containsExactly("08/partition-0/feed-b-0.jsonl.gz",
                "08/partition-0/feed-a-0.jsonl.gz", "09/partition-0/feed-d-0.jsonl.gz");
        assertThat(names(splits.get(1))).containsExactly("08/partition-3/feed-w-9.jsonl.gz",
                "08/partition-3/feed-w-10.jsonl.gz");
    }

    @Test
    void partFilesDirectlyInAnHourAreOfTheLayoutBeforePartitionsAndCountAsPartitionZero(@TempDir Path root)
            throws Exception {
        file(root, "2025-07-01/08/feed-old-0.jsonl.gz", "2025-07-01T08:20:00Z");
        file(root, "2025-07-01/08/partition-0/feed-new-0.jsonl.gz", "2025-07-01T08:40:00Z");
        file(root, "2025-07-01/08/partition-1/feed-new-0.jsonl.gz", "2025-07-01T08:40:00Z");

        List<ArchiveSplit> splits = ArchiveFiles.between(root.toString(), millis("2025-07-01T08:00:00Z"),
                millis("2025-07-01T08:00:00Z"));

        assertThat(splits).extracting(ArchiveSplit::partition).containsExactly(0, 1);
        assertThat(names(splits.get(0))).containsExactly("08/feed-old-0.jsonl.gz", "08/partition-0/feed-new-0.jsonl.gz");
    }

    @Test
    void aDirectoryInAnHourThatIsNotAPartitionsIsNamed(@TempDir Path root) throws Exception {
        file(root, "2025-07-01/08/copies/feed-a-0.jsonl.gz", "2025-07-01T08:20:00Z");

        assertThatThrownBy(() -> ArchiveFiles.between(root.toString(), millis("2025-07-01T08:00:00Z"),
                millis("2025-07-01T08:00:00Z")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2025-07-01/08/copies is not a partition's (partition-N, N >= 0)");
    }

    /** The split's files relative to their day directory. */
    private static List<String> names(ArchiveSplit split) {
        return split.files().stream().map(f -> f.substring(f.indexOf("2025-07-01/") + "2025-07-01/".length())).toList();
    }

    private static void file(Path root, String relative, String modified) throws Exception {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(modified)));
    }

    private static long millis(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
