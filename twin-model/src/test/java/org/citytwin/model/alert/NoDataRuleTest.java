package org.citytwin.model.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The no-data watch on hand-written sequences of points and watermarks: exact transitions, minute by minute. */
class NoDataRuleTest {

    private static final long MINUTE = 60_000;
    /** A gauge of 1-minute ticks over assets with a 10-minute silence timeout. */
    private static final NoDataRule RULE = new NoDataRule(11 * MINUTE);

    /**
     * Steps "p M" (a point at minute M) and "w M" (the watermark at minute M, "w end" = end of
     * input), after a first point at minute 0; returns "minute KIND value/threshold" per transition.
     */
    private static List<String> run(String... steps) {
        List<String> out = new ArrayList<>();
        NoDataState s = RULE.start(0);
        for (String step : steps) {
            String[] parts = step.split(" ");
            long t = parts[1].equals("end") ? Long.MAX_VALUE : Long.parseLong(parts[1]) * MINUTE;
            NoDataState next = parts[0].equals("p") ? RULE.point(s, t) : RULE.watermark(s, t);
            for (AlertTransition tr : RULE.transitions(s, next)) {
                assertThat(tr.condition()).isEqualTo(AlertCondition.NO_DATA);
                assertThat(tr.severity()).isEqualTo(Severity.WARNING);
                out.add(tr.time() / MINUTE + " " + tr.kind() + " " + (long) tr.value() + "/" + (long) tr.threshold()
                        + " since " + tr.startsAt() / MINUTE);
            }
            s = next;
        }
        return out;
    }

    @Test
    void pointsWithinTheTimeoutKeepItQuiet() {
        assertThat(run("p 1", "w 5", "p 10", "w 20", "p 21", "w 31")).isEmpty();
    }

    @Test
    void firesWhenTheWatermarkPassesTheLastPointPlusTheTimeoutAndResolvesWithTheNextPoint() {
        assertThat(run("p 4", "w 14", "w 15", "w 40", "w 60", "p 61", "w 70"))
                .containsExactly("15 FIRING 660/660 since 15", "61 RESOLVED 3420/660 since 15");
    }

    @Test
    void aStoppedFeedDoesNotMoveTheWatermarkAndRaisesNothing() {
        // the watermark stands at minute 3 for as long as the feed is stopped; wall-clock time plays no part
        assertThat(run("p 3", "w 3", "w 3", "w 3")).isEmpty();
    }

    @Test
    void theEndOfABoundedFeedIsNotNoData() {
        assertThat(run("p 2", "w end")).isEmpty();
    }

    @Test
    void aCorrectionOrALatePointDoesNotMoveTheLastPoint() {
        // a correction of minute 5 and a late point of minute 3 arrive after the point of minute 5
        assertThat(run("p 5", "p 5", "p 3", "w 16")).containsExactly("16 FIRING 660/660 since 16");
    }

    @Test
    void firesAgainAfterAnotherSilence() {
        assertThat(run("w 11", "p 12", "w 23", "p 30"))
                .containsExactly("11 FIRING 660/660 since 11", "12 RESOLVED 720/660 since 11",
                        "23 FIRING 660/660 since 23", "30 RESOLVED 1080/660 since 23");
    }
}
