package org.citytwin.model.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.citytwin.model.catalog.Alert;
import org.citytwin.model.catalog.CatalogLoader;
import org.junit.jupiter.api.Test;

/** The rule's state machine on hand-written point sequences: exact transitions, minute by minute. */
class AlertRuleTest {

    private static final long MINUTE = 60_000;
    /** air_aqi_avg's thresholds as in the Shanghai catalog, but with a 10-minute {@code for}. */
    private static final Alert AQI = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 10 * MINUTE);

    /** Feeds (minute, value) pairs; returns "minute KIND severity [flapping]" per transition. */
    private static List<String> run(AlertRule rule, double... minuteValuePairs) {
        List<String> out = new ArrayList<>();
        AlertState state = AlertState.INITIAL;
        for (int i = 0; i < minuteValuePairs.length; i += 2) {
            AlertState next = rule.step(state, (long) minuteValuePairs[i] * MINUTE, minuteValuePairs[i + 1]);
            for (AlertTransition t : rule.transitions(state, next)) {
                out.add(t.time() / MINUTE + " " + t.kind() + " " + t.severity().label() + (t.flapping() ? " flapping" : ""));
            }
            state = next;
        }
        return out;
    }

    @Test
    void firesOnlyAfterTheValueStaysBeyondWarningForTheForDuration() {
        assertThat(run(AlertRule.of(AQI), 0, 100, 5, 160, 10, 170, 15, 155, 20, 100))
                .containsExactly("5 PENDING warning", "15 FIRING warning", "20 RESOLVED warning");
    }

    @Test
    void aDipBeforeForEndsThePendingWithoutNotifying() {
        assertThat(run(AlertRule.of(AQI), 0, 160, 5, 120, 10, 160, 15, 165, 20, 170))
                .containsExactly("0 PENDING warning", "5 OK warning", "10 PENDING warning", "20 FIRING warning");
    }

    @Test
    void betweenClearAndWarningTheAlertKeepsFiringAndResolvesOnlyAtClear() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        assertThat(run(AlertRule.of(at), 0, 151, 5, 145, 10, 141, 15, 149, 20, 140, 25, 145))
                .containsExactly("0 FIRING warning", "20 RESOLVED warning");
    }

    @Test
    void betweenClearAndWarningAPendingAlertStaysPendingAndFiresAfterFor() {
        assertThat(run(AlertRule.of(AQI), 0, 160, 5, 145, 10, 145))
                .containsExactly("0 PENDING warning", "10 FIRING warning");
    }

    @Test
    void severityEscalatesAndDeEscalatesAsTwoAlertsWithTheirOwnLabels() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        assertThat(run(AlertRule.of(at), 0, 160, 5, 210, 10, 220, 15, 145, 20, 100))
                .containsExactly("0 FIRING warning", "5 RESOLVED warning", "5 FIRING critical",
                        "15 RESOLVED critical", "15 FIRING warning", "20 RESOLVED warning");
    }

    @Test
    void belowRulesMirrorTheThresholds() {
        // e.g. a reservoir level: warning under 30, critical under 10, clear at 35 or more
        Alert low = new Alert(Alert.Direction.BELOW, 30, 10, 35, 0);
        assertThat(run(AlertRule.of(low), 0, 40, 5, 29, 10, 9, 15, 33, 20, 35))
                .containsExactly("5 FIRING warning", "10 RESOLVED warning", "10 FIRING critical",
                        "15 RESOLVED critical", "15 FIRING warning", "20 RESOLVED warning");
    }

    @Test
    void moreThanMaxChangesInTheWindowHoldTheAlertFiringAndMarkItFlapping() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        AlertRule rule = new AlertRule(at, 2, 30 * MINUTE);
        // changes at 0 (fire), 5 (resolve), 10 (fire: third in the window → flapping), 15 (would resolve:
        // held), 20 (fires again: still held), 25, 30 (fine, but changes at 10..25 still in the window),
        // 60: the window holds no change since 30 → resolves.
        assertThat(run(rule, 0, 160, 5, 100, 10, 160, 15, 100, 20, 160, 25, 100, 30, 100, 60, 100))
                .containsExactly("0 FIRING warning", "5 RESOLVED warning", "10 FIRING warning flapping",
                        "60 RESOLVED warning flapping");
    }

    @Test
    void flappingEndsWhileStillFiringWithAnUpdateThatClearsTheMark() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        AlertRule rule = new AlertRule(at, 2, 30 * MINUTE);
        assertThat(run(rule, 0, 160, 5, 100, 10, 160, 50, 160, 55, 100))
                .containsExactly("0 FIRING warning", "5 RESOLVED warning", "10 FIRING warning flapping",
                        "50 FIRING warning", "55 RESOLVED warning");
    }

    @Test
    void aNaNValueChangesNothing() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        assertThat(run(AlertRule.of(at), 0, 160, 5, Double.NaN, 10, 100))
                .containsExactly("0 FIRING warning", "10 RESOLVED warning");
    }

    @Test
    void aResolvedAlertWithNoRecentChangesIsQuiet() {
        Alert at = new Alert(Alert.Direction.ABOVE, 150, 200, 140, 0);
        AlertRule rule = new AlertRule(at, 4, 30 * MINUTE);
        AlertState s = rule.step(AlertState.INITIAL, 0, 160);
        s = rule.step(s, 5 * MINUTE, 100);
        assertThat(s.quiet()).isFalse(); // two changes still in the window
        s = rule.step(s, 40 * MINUTE, 100);
        assertThat(s.quiet()).isTrue();
    }

    @Test
    void firingCarriesStartsAtAndThresholds() {
        AlertRule rule = AlertRule.of(AQI);
        AlertState s = rule.step(AlertState.INITIAL, 0, 160);
        AlertState firing = rule.step(s, 10 * MINUTE, 210);
        assertThat(rule.transitions(s, firing)).containsExactly(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.FIRING,
                Severity.CRITICAL, 10 * MINUTE, 210, 200, 10 * MINUTE, false));
        AlertState resolved = rule.step(firing, 20 * MINUTE, 120);
        assertThat(rule.transitions(firing, resolved)).containsExactly(new AlertTransition(AlertCondition.THRESHOLD, TransitionKind.RESOLVED,
                Severity.CRITICAL, 20 * MINUTE, 120, 140, 10 * MINUTE, false));
    }

    @Test
    void everyCatalogThresholdBuildsARule() {
        long rules = CatalogLoader.load("shanghai").indicators().stream()
                .filter(i -> i.alert() != null).map(i -> AlertRule.of(i.alert())).count();
        assertThat(rules).isEqualTo(154);
    }
}
