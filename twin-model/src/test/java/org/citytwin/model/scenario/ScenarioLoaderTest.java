package org.citytwin.model.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {
    private static final ScenarioLoader LOADER = new ScenarioLoader(AssetTypes.load("shanghai"), CityTopology.load("shanghai"));

    private static Scenario read(String yaml) throws IOException {
        return LOADER.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "storm.yaml");
    }

    @Test
    void aScenarioIsReadIntoItsRecordsWithDefaultsAndAreasByCodeOrName() throws IOException {
        Scenario s = read("""
                scenario: storm
                zh: 暴雨
                en: Rainstorm
                seed: 42
                start: 30m
                duration: 2h
                districts: ["310115", Fengxian]
                readings:
                  - {asset: rain_gauge, metric: rainfall_1h, from: 0, to: 60, shape: peak}
                  - {asset: river_level_gauge, metric: level, from: 3, to: 4.5, shape: ramp, every: 5m, noise: 0.02, start: 1h, duration: 1h, streets: ["310101002"]}
                events:
                  - {asset: call_center_console, event: call, rate: 4, per: district, attributes: {call_type: flooding, wait_seconds: 30}}
                """);
        assertThat(s.id()).isEqualTo("storm");
        assertThat(s.zh()).isEqualTo("暴雨");
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.start(Instant.parse("2025-07-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(Instant.parse("2025-07-01T00:30:00Z").toEpochMilli());
        assertThat(s.durationMs()).isEqualTo(7_200_000);
        assertThat(s.readings()).containsExactly(
                new ReadingOverlay(9, "rain_gauge", "rainfall_1h", 0, 60, ScenarioShape.PEAK, 60_000, 0,
                        new ScenarioScope(0, 7_200_000, List.of("310115", "310120"), List.of())),
                new ReadingOverlay(10, "river_level_gauge", "level", 3, 4.5, ScenarioShape.RAMP, 300_000, 0.02,
                        new ScenarioScope(3_600_000, 3_600_000, List.of(), List.of("310101002"))));
        assertThat(s.events()).containsExactly(new EventOverlay(12, "call_center_console", "call", 4, EventOverlay.Per.DISTRICT,
                ScenarioShape.HOLD, Map.of("call_type", "flooding", "wait_seconds", 30.0),
                new ScenarioScope(0, 7_200_000, List.of("310115", "310120"), List.of())));
    }

    @Test
    void anAbsoluteStartIsAnInstantAndTheWindowMustLieInsideTheReplayedPeriod() throws IOException {
        Scenario s = read("""
                scenario: storm
                start: 2025-07-01T08:00:00Z
                duration: 90m
                events: [{asset: rain_gauge, event: heavy_rain, rate: 1}]
                """);
        long from = Instant.parse("2025-07-01T07:00:00Z").toEpochMilli();
        assertThat(s.start(from)).isEqualTo(Instant.parse("2025-07-01T08:00:00Z").toEpochMilli());
        assertThat(s.outsidePeriod(from, Instant.parse("2025-07-01T09:30:00Z").toEpochMilli())).isNull();
        assertThat(s.outsidePeriod(from, Instant.parse("2025-07-01T09:00:00Z").toEpochMilli())).isEqualTo(
                "storm.yaml: scenario storm: its window 2025-07-01T08:00:00Z - 2025-07-01T09:30:00Z is not inside the"
                        + " replayed period 2025-07-01T07:00:00Z - 2025-07-01T09:00:00Z");
    }

    @Test
    void everyErrorOfAFileIsListedWithItsLine() {
        assertThatThrownBy(() -> read("""
                scenario: storm
                start: soon
                duration: 90s
                colour: red
                districts: [Atlantis]
                readings:
                  - {asset: rain_gauge, metric: rainfall, from: 0, to: 50}
                  - {asset: weather_station, metric: humidity, from: 50, to: 120, shape: spike}
                  - {asset: rain_gauge, metric: snowfall, from: 0, to: 1}
                  - {asset: rain_gaug, metric: intensity, from: 0, to: 1}
                events:
                  - {asset: call_center_console, event: call, rate: 0, per: city}
                  - {asset: call_center_console, event: call, rate: 1, attributes: {call_type: alien, mood: calm, wait_seconds: fast}}
                  - {asset: waterlogging_sensor, event: flood, rate: 1}
                """)).isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.errors()).containsExactly(
                "storm.yaml:2: scenario storm: start 'soon' is neither a duration after --from (30m, 2h) nor an ISO-8601 instant (2025-07-01T08:00:00Z)",
                "storm.yaml:3: scenario storm: duration '90s' must be a positive whole number of minutes (90m, 6h)",
                "storm.yaml:4: scenario storm: unknown key 'colour' (known: description, districts, duration, en, events, readings, scenario, seed, start, streets, zh)",
                "storm.yaml:5: scenario storm: districts: no district 'Atlantis' in the city (give its code or its name)",
                "storm.yaml:7: scenario storm: readings of rain_gauge.rainfall: rainfall is a counter (a cumulative total): a synthetic"
                        + " total would be read against the asset's own history total as one huge increment or a reset; overlay a gauge or an event instead",
                "storm.yaml:8: scenario storm: to 120 is outside humidity's range [0, 100] %",
                "storm.yaml:8: scenario storm: readings of weather_station.humidity: shape 'spike' must be ramp, peak or hold",
                "storm.yaml:9: scenario storm: readings of rain_gauge.snowfall: asset type rain_gauge has no metric 'snowfall' (its metrics: intensity, rainfall, rainfall_1h)",
                "storm.yaml:10: scenario storm: readings of rain_gaug.intensity: unknown asset type 'rain_gaug'",
                "storm.yaml:12: scenario storm: rate must be a positive number of events per minute",
                "storm.yaml:12: scenario storm: per 'city' must be asset, street or district",
                "storm.yaml:13: scenario storm: event call, attribute call_type: 'alien' is not one of [crime, traffic, fire, rescue, medical, dispute, flooding]",
                "storm.yaml:13: scenario storm: event call, attribute mood: event call has no such attribute (its attributes: line, call_type, wait_seconds, caller_area)",
                "storm.yaml:13: scenario storm: event call, attribute wait_seconds: must be a number (s)",
                "storm.yaml:14: scenario storm: events waterlogging_sensor.flood: asset type waterlogging_sensor has no event 'flood' (its events: waterlogging_alarm)"));
    }

    @Test
    void theShippedTyphoonIsAValidScenarioOfTheShippedCity() {
        Scenario typhoon = LOADER.load(Path.of("../scenarios/typhoon.yaml"));
        assertThat(typhoon.id()).isEqualTo("typhoon");
        assertThat(typhoon.durationMs()).isEqualTo(12 * 3_600_000L);
        assertThat(typhoon.readings()).extracting(r -> r.assetType() + "." + r.metric()).containsExactly(
                "rain_gauge.rainfall_1h", "rain_gauge.intensity", "weather_station.wind_speed", "weather_station.pressure",
                "river_level_gauge.level", "tide_gauge.tide_level", "tide_gauge.wave_height", "waterlogging_sensor.depth");
        assertThat(typhoon.events()).extracting(e -> e.assetType() + "." + e.event()).containsExactly(
                "waterlogging_sensor.waterlogging_alarm", "rain_gauge.heavy_rain", "call_center_console.call",
                "substation_feeder.trip", "metro_platform.train_arrival", "metro_train.emergency_brake");
    }
}
