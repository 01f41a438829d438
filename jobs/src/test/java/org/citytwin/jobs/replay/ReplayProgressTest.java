package org.citytwin.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.citytwin.jobs.engine.IndicatorJob;
import org.junit.jupiter.api.Test;

class ReplayProgressTest {

    private static final long FROM = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();
    private static final ReplayRange HOUR = new ReplayRange(FROM, FROM + 3_600_000);

    @Test
    void theLineShowsEventTimeReachedSpeedEtaAndRecordRate() {
        ReplayProgress progress = new ReplayProgress(HOUR, 0);

        // 15 minutes of event time in 10 s: 90× real time, 45 minutes left take 30 s.
        String line = progress.line(Map.of(IndicatorJob.RECORDS_READ, 50_000L,
                SelectedPoints.EVENT_TIME_REACHED, FROM + 900_000), 10_000_000_000L);

        assertThat(line).isEqualTo("event time 2025-07-01T00:15:00Z (25 %), 90.0× real time, ETA 0:00:30,"
                + " 50,000 records (5,000 records/s)");
    }

    @Test
    void beforeTheFirstPointOnlyTheRecordsAreCounted() {
        assertThat(new ReplayProgress(HOUR, 0).line(Map.of(IndicatorJob.RECORDS_READ, 200L), 2_000_000_000L))
                .isEqualTo("event time not reached yet, 200 records (100 records/s)");
    }

    @Test
    void globsSelectIndicatorIdsWholeAndCommaSeparated() {
        IndicatorGlob glob = new IndicatorGlob("ws_*,air_pm2?_avg");

        assertThat(glob.matches("ws_load_factor")).isTrue();
        assertThat(glob.matches("air_pm25_avg")).isTrue();
        assertThat(glob.matches("air_pm25_max")).isFalse();
        assertThat(glob.matches("xws_load")).isFalse();
        assertThat(new IndicatorGlob("pop.ratio").matches("pop_ratio")).as("a dot is a dot").isFalse();
    }

    @Test
    void theRangeIncludesItsStartAndExcludesItsEnd() {
        assertThat(HOUR.contains(FROM)).isTrue();
        assertThat(HOUR.contains(FROM + 3_600_000)).isFalse();
        assertThat(HOUR.contains(FROM - 1)).isFalse();
    }
}
