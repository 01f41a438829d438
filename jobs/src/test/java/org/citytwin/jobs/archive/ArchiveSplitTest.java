package org.citytwin.jobs.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveSplitTest {

    @Test
    void aSplitKeepsItsPartitionFilesAndPositionThroughACheckpoint() throws Exception {
        ArchiveSplit split = new ArchiveSplit(3, List.of("file:/a/2025-07-01/08/partition-3/feed-x-0.jsonl.gz",
                "file:/a/2025-07-01/09/partition-3/feed-x-1.jsonl.gz")).at(1, 4_096);

        ArchiveSplit restored = ArchiveSplit.Serializer.INSTANCE.deserialize(1,
                ArchiveSplit.Serializer.INSTANCE.serialize(split));

        assertThat(restored.splitId()).isEqualTo("partition-3");
        assertThat(restored.partition()).isEqualTo(3);
        assertThat(restored.files()).isEqualTo(split.files());
        assertThat(restored.file()).isEqualTo(1);
        assertThat(restored.linesRead()).isEqualTo(4_096);
    }

    @Test
    void theEnumeratorsPendingSplitsSurviveACheckpoint() throws Exception {
        List<ArchiveSplit> pending = List.of(new ArchiveSplit(0, List.of("f0")), new ArchiveSplit(2, List.of("f2", "g2")));

        List<ArchiveSplit> restored = ArchiveSplit.PendingSerializer.INSTANCE.deserialize(1,
                ArchiveSplit.PendingSerializer.INSTANCE.serialize(pending));

        assertThat(restored).extracting(ArchiveSplit::partition).containsExactly(0, 2);
        assertThat(restored).extracting(ArchiveSplit::files).containsExactly(List.of("f0"), List.of("f2", "g2"));
        assertThat(restored).extracting(ArchiveSplit::file, ArchiveSplit::linesRead)
                .containsOnly(org.assertj.core.groups.Tuple.tuple(0, 0L));
    }
}
