package org.citytwin.jobs.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.citytwin.embedded.EmbeddedInfluxDb;
import org.junit.jupiter.api.Test;

/** A missing v1 database is created before the job writes, or the start stops with one clear line. */
class InfluxDbDatabaseITCase {

    @Test
    void aMissingDatabaseIsCreatedSoTheFirstWriteLands() throws Exception {
        try (EmbeddedInfluxDb influx = EmbeddedInfluxDb.start()) {
            InfluxDbEndpoint endpoint = InfluxDbEndpoint.v1(influx.url(), "city_ops", null, null, null);

            assertThat(InfluxDbDatabase.ensureExists(endpoint)).isEqualTo("InfluxDB database 'city_ops' is ready");
            assertThat(InfluxDbDatabase.ensureExists(endpoint)).isEqualTo("InfluxDB database 'city_ops' is ready");

            influx.write("city_ops", "indicator,id=x,area=310000 value=1.5 1767225600000");
            assertThat(influx.query("city_ops", "SELECT value FROM indicator"))
                    .containsExactly(Map.of("time", 1_767_225_600_000L, "value", 1.5));
        }
    }

    @Test
    void aDatabaseThatCannotBeCreatedStopsTheStartWithOneLine() throws Exception {
        // A server that refuses CREATE DATABASE and lists no databases, as InfluxDB does for a user without rights.
        try (RecordingHttpServer server = new RecordingHttpServer(n -> n == 0 ? 403 : 200)) {
            InfluxDbEndpoint endpoint = InfluxDbEndpoint.v1(server.url(), "twin", null, "reader", "pw");

            assertThatThrownBy(() -> InfluxDbDatabase.ensureExists(endpoint))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("InfluxDB database 'twin' does not exist at InfluxDB v1 " + server.url()
                            + " db=twin user=reader password=*** and could not be created (HTTP 403")
                    .hasMessageNotContaining("pw ")
                    .satisfies(e -> assertThat(e.getMessage().lines().count()).isEqualTo(1));
            assertThat(server.received()).isEqualTo(2);
            assertThat(List.of(server.accepted().get(0).uri()))
                    .containsExactly("/query?db=twin&q=SHOW+DATABASES");
        }
    }
}
