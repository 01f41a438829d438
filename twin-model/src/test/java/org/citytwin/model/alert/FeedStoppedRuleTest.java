package org.citytwin.model.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feed watch on hand-written sequences of watermarks and clock readings (wall-clock seconds): exact transitions. */
class FeedStoppedRuleTest {

    private static final long S = 1000;
    private static final long EVENT_TIME = 1_751_328_000_000L;
    private static final FeedStoppedRule RULE = new FeedStoppedRule(60 * S);

    /** Steps "w SECOND WATERMARK" (watermark in event-time seconds after EVENT_TIME, "end" = end of input) and "c SECOND". */
    private static List<String> run(long firedAtStart, String... steps) {
        List<String> out = new ArrayList<>();
        FeedState s = RULE.start(0, firedAtStart);
        for (String step : steps) {
            String[] parts = step.split(" ");
            long now = Long.parseLong(parts[1]) * S;
            FeedState next = parts[0].equals("c") ? RULE.clock(s, now)
                    : RULE.watermark(s, parts[2].equals("end") ? Long.MAX_VALUE : EVENT_TIME + Long.parseLong(parts[2]) * S, now);
            for (AlertTransition t : RULE.transitions(s, next)) {
                assertThat(t.condition()).isEqualTo(AlertCondition.FEED_STOPPED);
                assertThat(t.severity()).isEqualTo(Severity.CRITICAL);
                out.add(t.time() / S + " " + t.kind() + " " + (long) t.value() + "/" + (long) t.threshold()
                        + " since " + t.startsAt() / S);
            }
            s = next;
        }
        return out;
    }

    @Test
    void anAdvancingWatermarkKeepsItQuietHoweverSlowlyEventTimeMoves() {
        // a slow replay: one second of event time every 50 s of wall-clock time
        assertThat(run(NoDataState.NOT_FIRING, "w 1 0", "c 30", "w 50 1", "c 90", "w 100 2", "c 149")).isEmpty();
    }

    @Test
    void firesOnceWhenTheWatermarkStandsStillAndResolvesWhenItMoves() {
        assertThat(run(NoDataState.NOT_FIRING, "w 5 100", "c 60", "c 65", "c 70", "w 80 100", "c 200", "w 230 101", "c 250"))
                .containsExactly("65 FIRING 60/60 since 65", "230 RESOLVED 225/60 since 65");
    }

    @Test
    void aFeedThatNeverStartsFiresFromTheStartOfTheJob() {
        assertThat(run(NoDataState.NOT_FIRING, "c 59", "c 60")).containsExactly("60 FIRING 60/60 since 60");
    }

    @Test
    void theEndOfABoundedFeedIsNotAStop() {
        assertThat(run(NoDataState.NOT_FIRING, "w 1 5", "w 2 end", "c 600")).isEmpty();
    }

    @Test
    void anAlertFiringBeforeARestartResolvesWhenTheFeedResumes() {
        assertThat(run(40 * S, "c 100", "w 120 7")).containsExactly("120 RESOLVED 120/60 since 40");
    }
}
