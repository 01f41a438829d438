package org.citytwin.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedInfluxDbTest {

    private static EmbeddedInfluxDb influx;

    @BeforeAll
    static void start() throws Exception {
        influx = EmbeddedInfluxDb.start();
    }

    @AfterAll
    static void stop() {
        influx.close();
    }

    @Test
    void writtenPointsAreQueriedBackWithTagsAndMillisecondTimes() throws Exception {
        influx.createDatabase("roundtrip");
        influx.write("roundtrip", "indicator,id=a,area=310101 value=1.5 1700000000000\n"
                + "indicator,id=a,area=310104 value=2 1700000060000\n");

        List<Map<String, Object>> rows = influx.query("roundtrip",
                "SELECT value FROM indicator GROUP BY area ORDER BY time");

        assertThat(rows).containsExactly(
                Map.of("area", "310101", "time", 1700000000000L, "value", 1.5),
                Map.of("area", "310104", "time", 1700000060000L, "value", 2.0));
    }

    @Test
    void influxQlErrorsAreReportedNotSwallowed() throws Exception {
        influx.createDatabase("errors");
        assertThatThrownBy(() -> influx.query("errors", "SELECT FROM WHERE"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("SELECT FROM WHERE");
    }

    @Test
    void missingBinaryNamesTheInstallCommand() {
        assertThatThrownBy(() -> ServiceBinary.require("no-such-influxd-binary", "TWIN_UNSET_FOR_TEST", "influxdb"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sudo apt-get install -y influxdb");
    }
}
