package org.citytwin.jobs.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.citytwin.jobs.engine.IndicatorPoint;
import org.citytwin.model.alert.FeedStoppedRule;
import org.junit.jupiter.api.Test;

/**
 * The feed watch as an operator: wall-clock (processing) time from the harness, watermarks by
 * hand; one feed_stopped alert, fired once, resolved once, also across a restart.
 */
class FeedWatchTest {

    private static final long S = 1000;
    private static final long EVENT_TIME = 1_751_328_000_000L;

    private static OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> harness(OperatorSubtaskState restored)
            throws Exception {
        OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> h = new OneInputStreamOperatorTestHarness<>(
                new FeedWatch(new FeedStoppedRule(60 * S), "live", "310000"));
        h.setProcessingTime(0);
        if (restored != null) {
            h.initializeState(restored);
        }
        h.open();
        return h;
    }

    /** "second kind value/threshold labels" per emitted event; clears the output. */
    private static List<String> events(OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> h) {
        List<String> out = h.extractOutputValues().stream()
                .map(e -> e.transition().time() / S + " " + e.transition().kind().label() + " "
                        + (long) e.transition().value() + "/" + (long) e.transition().threshold() + " "
                        + e.transition().condition().label() + " " + e.transition().severity().label() + " "
                        + e.indicator() + " " + e.area() + " " + e.run())
                .toList();
        h.getOutput().clear();
        return out;
    }

    @Test
    void firesOnceWhenTheWatermarkStandsStillAndResolvesAfterARestartWhenTheFeedResumes() throws Exception {
        OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> h = harness(null);
        h.processWatermark(EVENT_TIME);
        h.setProcessingTime(30 * S);
        h.processWatermark(EVENT_TIME + S); // a slow feed is not a stopped one
        h.setProcessingTime(89 * S);
        assertThat(events(h)).isEmpty();
        h.setProcessingTime(90 * S);
        h.setProcessingTime(200 * S);
        assertThat(events(h)).containsExactly("90 firing 60/60 feed_stopped critical feed 310000 live");
        OperatorSubtaskState snapshot = h.snapshot(1, 200 * S);
        h.close();

        OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> restarted = harness(snapshot);
        restarted.setProcessingTime(20 * S);
        restarted.processWatermark(EVENT_TIME + 2 * S);
        assertThat(events(restarted)).containsExactly("20 resolved 20/60 feed_stopped critical feed 310000 live");
        restarted.close();
    }

    @Test
    void theEndOfABoundedFeedIsNotAStop() throws Exception {
        OneInputStreamOperatorTestHarness<IndicatorPoint, AlertEvent> h = harness(null);
        h.processWatermark(EVENT_TIME);
        h.processWatermark(Long.MAX_VALUE);
        h.setProcessingTime(600 * S);
        assertThat(events(h)).isEmpty();
        h.close();
    }
}
