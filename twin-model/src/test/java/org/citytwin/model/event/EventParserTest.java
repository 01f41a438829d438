package org.citytwin.model.event;

import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EventParserTest {
    private static final AssetTypes TYPES = AssetTypes.load("shanghai");
    private static final AssetRegistry REG = new AssetRegistry();

    static {
        REG.put(new Asset("air-1", "air_station", "310101002", 31.2, 121.4, Map.of("station_class", "roadside", "elevation", 10.0)));
        REG.put(new Asset("ev-1", "ev_charger", "310101002", 31.2, 121.4, Map.of("rated_power", 60.0, "connector", "dc")));
    }

    private static final EventParser PARSER = new EventParser(TYPES, REG, 512, EventParser.DEFAULT_MIN_TIME, EventParser.DEFAULT_MAX_TIME);

    private static ParseResult parse(String s) {
        return PARSER.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Rejection rejected(String s) {
        ParseResult r = parse(s);
        assertThat(r.ok()).as(s).isFalse();
        return r.rejection();
    }

    @Test
    void goodReadingsAndEventsParseAndAreQuantized() {
        ParseResult r = parse("{\"id\":\"e1\",\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"pm25\":35.26,\"aqi\":80}}");
        assertThat(r.rejection()).isNull();
        assertThat(r.event()).isEqualTo(new Event("e1", "air-1", 1751328000000L, Map.of("pm25", 35.3, "aqi", 80.0), null, Map.of()));
        ParseResult e = parse("{\"asset\":\"ev-1\",\"ts\":1751328000000,\"event\":\"session_end\","
                + "\"attrs\":{\"energy_kwh\":12.345,\"duration_min\":40,\"vehicle_id\":\"V0001\"}}");
        assertThat(e.event().kind()).isEqualTo("session_end");
        assertThat(e.event().eventId()).isNull();
        assertThat(e.event().attributes()).isEqualTo(Map.of("energy_kwh", 12.35, "duration_min", 40.0, "vehicle_id", "V0001"));
    }

    @Test
    void eachBadInputClassYieldsItsReasonAndDetail() {
        assertThat(rejected("{\"asset\":\"air-1\",")).extracting(Rejection::reason).isEqualTo(RejectReason.MALFORMED_JSON);
        assertThat(rejected("[1,2]")).isEqualTo(new Rejection(RejectReason.MALFORMED_JSON, "record is not a JSON object"));
        assertThat(rejected("{\"ts\":1751328000000,\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "missing 'asset'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "missing 'ts'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000}"))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "needs 'readings' or 'event'"));
        assertThat(rejected("{\"asset\":\"nope\",\"ts\":1751328000000,\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_ASSET, "unknown asset 'nope'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"pm99\":1}}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_METRIC, "asset type air_station has no metric 'pm99'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"event\":\"meteor\"}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_EVENT_KIND, "asset type air_station has no event kind 'meteor'"));
        assertThat(rejected("{\"asset\":\"ev-1\",\"ts\":1751328000000,\"event\":\"charger_fault\",\"attrs\":{\"colour\":\"red\"}}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_ATTRIBUTE, "event charger_fault has no attribute 'colour'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1e999}}"))
                .isEqualTo(new Rejection(RejectReason.NON_FINITE, "reading 'aqi' is not finite"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":12,\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.TIME_OUT_OF_RANGE, "ts 12 outside [946684800000, 4102444800000]"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":\"now\",\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.WRONG_TYPE, "'ts' must be an integer (epoch ms), got VALUE_STRING"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":\"high\"}}"))
                .isEqualTo(new Rejection(RejectReason.WRONG_TYPE, "reading 'aqi' must be a number"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1},\"extra\":1}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_FIELD, "unknown field 'extra'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1},\"pad\":\"" + "x".repeat(600) + "\"}"))
                .isEqualTo(new Rejection(RejectReason.TOO_LARGE, "666 bytes > max 512"));
        assertThat(rejected("{\"asset\":\"ev-1\",\"ts\":1751328000000,\"event\":\"charger_fault\",\"attrs\":{}}"))
                .isEqualTo(new Rejection(RejectReason.MISSING_FIELD, "event charger_fault misses attribute 'fault_code'"));
        assertThat(RejectReason.valueOf("DUPLICATE")).isNotNull();
        assertThat(RejectReason.valueOf("LATE")).isNotNull();
    }

    @Test
    void aValueBeyondTheFixedPointRangeIsOutOfRangeNotASaturatedSum() {
        // resident_users (resolution 1): 1e19 would saturate the long sums of the city total.
        REG.put(new Asset("cell-1", "cell_site", "310101002", 31.2, 121.4, Map.of("coverage_km2", 0.5, "site_class", "macro")));
        assertThat(rejected("{\"asset\":\"cell-1\",\"ts\":1751328000000,\"readings\":{\"resident_users\":1e19}}"))
                .isEqualTo(new Rejection(RejectReason.OUT_OF_RANGE,
                        "reading 'resident_users' = 1.0E19 outside [-8796093022208, 8796093022208]"));
        assertThat(parse("{\"asset\":\"cell-1\",\"ts\":1751328000000,\"readings\":{\"resident_users\":8796093022208}}").ok())
                .isTrue();
        // pm25 (resolution 0.1): the limit is 2^43 steps of 0.1.
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"pm25\":1e12}}").reason())
                .isEqualTo(RejectReason.OUT_OF_RANGE);
    }

    @Test
    void aValueOutsideTheDeclaredRangeIsOutOfRange() {
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":501}}"))
                .isEqualTo(new Rejection(RejectReason.OUT_OF_RANGE, "reading 'aqi' = 501.0 outside [0, 500]"));
        assertThat(parse("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":500}}").ok()).isTrue();
    }

    @Test
    void aNegativeCounterIsOutOfRangeNotAReset() {
        REG.put(new Asset("cell-2", "cell_site", "310101002", 31.2, 121.4, Map.of("coverage_km2", 0.5, "site_class", "macro")));
        assertThat(rejected("{\"asset\":\"cell-2\",\"ts\":1751328000000,\"readings\":{\"handovers\":-5}}").reason())
                .isEqualTo(RejectReason.OUT_OF_RANGE);
        assertThat(parse("{\"asset\":\"cell-2\",\"ts\":1751328000000,\"readings\":{\"handovers\":0}}").ok()).isTrue();
    }

    @Test
    void anEventTimeTooFarAheadOfTheClockIsFuture() {
        long now = 1_751_328_000_000L;
        EventParser parser = new EventParser(TYPES, REG, 512, EventParser.DEFAULT_MIN_TIME, EventParser.DEFAULT_MAX_TIME,
                java.time.Duration.ofMinutes(10), java.time.Clock.fixed(java.time.Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC));
        byte[] inSkew = ("{\"asset\":\"air-1\",\"ts\":" + (now + 600_000) + ",\"readings\":{\"aqi\":1}}").getBytes(StandardCharsets.UTF_8);
        byte[] beyond = ("{\"asset\":\"air-1\",\"ts\":" + (now + 600_001) + ",\"readings\":{\"aqi\":1}}").getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(inSkew).ok()).isTrue();
        assertThat(parser.parse(beyond).rejection())
                .isEqualTo(new Rejection(RejectReason.FUTURE, "ts 1751328600001 is 600001 ms ahead of the clock (max 600000 ms)"));
    }

    @Test
    void aByteOrderMarkAndDuplicateKeysAreRejected() {
        byte[] bom = ("\uFEFF{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1}}").getBytes(StandardCharsets.UTF_8);
        assertThat(PARSER.parse(bom).rejection())
                .isEqualTo(new Rejection(RejectReason.MALFORMED_JSON, "UTF-8 byte order mark before the record"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"ts\":1751328000001,\"readings\":{\"aqi\":1}}"))
                .isEqualTo(new Rejection(RejectReason.DUPLICATE_KEY, "key 'ts' appears twice"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1,\"aqi\":400}}"))
                .isEqualTo(new Rejection(RejectReason.DUPLICATE_KEY, "key 'aqi' appears twice in 'readings'"));
    }

    @Test
    void withSeveralFaultsTheReasonFirstInPrecedenceWinsWhateverTheirOrderInTheRecord() {
        // An unknown field after a wrong type, and before it: UNKNOWN_FIELD precedes WRONG_TYPE.
        assertThat(rejected("{\"asset\":1,\"ts\":1751328000000,\"readings\":{\"aqi\":1},\"x\":1}").reason())
                .isEqualTo(RejectReason.UNKNOWN_FIELD);
        assertThat(rejected("{\"x\":1,\"asset\":1,\"ts\":1751328000000,\"readings\":{\"aqi\":1}}").reason())
                .isEqualTo(RejectReason.UNKNOWN_FIELD);
        // A duplicate key beats an unknown field; an unknown metric beats a non-finite or out-of-range value.
        assertThat(rejected("{\"x\":1,\"asset\":\"air-1\",\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1}}").reason())
                .isEqualTo(RejectReason.DUPLICATE_KEY);
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"aqi\":1e999,\"pm25\":-1e19,\"pm99\":1}}"))
                .isEqualTo(new Rejection(RejectReason.UNKNOWN_METRIC, "asset type air_station has no metric 'pm99'"));
        assertThat(rejected("{\"asset\":\"air-1\",\"ts\":1751328000000,\"readings\":{\"pm25\":-1e19,\"aqi\":1e999}}"))
                .isEqualTo(new Rejection(RejectReason.NON_FINITE, "reading 'aqi' is not finite"));
        // Bad syntax anywhere makes the record MALFORMED_JSON, whatever else it holds.
        assertThat(rejected("{\"x\":1,\"asset\":\"air-1\",\"ts\":17513280000}00}").reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    }

    @Test
    void randomBytesAndMutatedEventsNeverThrow() {
        Random rnd = new Random(7);
        byte[] good = ("{\"id\":\"e1\",\"asset\":\"ev-1\",\"ts\":1751328000000,\"event\":\"session_end\","
                + "\"attrs\":{\"energy_kwh\":12.345,\"duration_min\":40,\"vehicle_id\":\"V0001\"}}").getBytes(StandardCharsets.UTF_8);
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(64)];
                rnd.nextBytes(b);
            } else {
                b = good.clone();
                for (int k = 0, n = 1 + rnd.nextInt(4); k < n; k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                if (rnd.nextInt(10) == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
                }
            }
            ParseResult r = PARSER.parse(b);
            assertThat(r.ok() ^ r.rejection() != null).isTrue();
            if (r.ok()) {
                accepted++;
            } else {
                assertThat(r.rejection().reason()).isNotNull();
                assertThat(r.rejection().detail()).isNotNull();
            }
        }
        assertThat(accepted).isLessThan(25_000);
        assertThat(PARSER.parse(null).rejection().reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    }
}
