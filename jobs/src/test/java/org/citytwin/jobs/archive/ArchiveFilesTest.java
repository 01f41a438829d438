package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveFilesTest {

    @Test
    void theFilesOfThePeriodsHoursComeInWrittenOrderWithoutHiddenOnes(@TempDir Path root) throws Exception {
        // Hour 08: written b then a (modification times), plus a file still being written.
        file(root, "2025-07-01/08/feed-b-0.jsonl.gz", "2025-07-01T08:20:00Z");
        file(root, "2025-07-01/08/feed-a-0.jsonl.gz", "2025-07-01T08:40:00Z");
        file(root, "2025-07-01/08/.feed-c-0.jsonl.gz.inprogress.1234", "2025-07-01T08:50:00Z");
        // Hour 09, written before hour 08's last file (another writer): still after all of hour 08.
        file(root, "2025-07-01/09/feed-d-0.jsonl.gz", "2025-07-01T08:30:00Z");
        // Outside the hours asked for.
        file(root, "2025-07-01/07/feed-e-0.jsonl.gz", "2025-07-01T07:30:00Z");
        file(root, "2025-07-01/10/feed-f-0.jsonl.gz", "2025-07-01T10:30:00Z");

        assertThat(ArchiveFiles.between(root.toString(), millis("2025-07-01T08:15:00Z"), millis("2025-07-01T09:59:59Z")))
                .extracting(FileSourceSplit::splitId)
                .containsExactly("0:feed-b-0.jsonl.gz", "1:feed-a-0.jsonl.gz", "2:feed-d-0.jsonl.gz");
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
