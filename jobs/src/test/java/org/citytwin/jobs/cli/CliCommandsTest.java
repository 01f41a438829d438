package org.citytwin.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.ParseResult;
import org.citytwin.model.event.RejectReason;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analyst-facing commands as a user runs them: output, files and exit codes. */
class CliCommandsTest {

    private static TwinCommandLine.Run twin(String... args) {
        return TwinCommandLine.run(args);
    }

    @Test
    void catalogStatsPrintsPerCategoryIndicatorsSourcesAlertingAndHeadline() {
        Catalog catalog = CatalogLoader.load("shanghai");

        TwinCommandLine.Run run = twin("catalog", "--stats");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith(String.format("%-18s %10s %8s %9s %9s%n", "category", "indicators", "sources",
                "alerting", "headline"));
        for (Category c : catalog.categories()) {
            List<Indicator> own = catalog.indicators().stream().filter(i -> i.category().equals(c.id())).toList();
            long sources = own.stream().filter(i -> i.formula() == null)
                    .map(i -> i.assetType() + "/" + (i.metric() != null ? i.metric() : i.event())).distinct().count();
            long alerting = own.stream().filter(i -> i.alert() != null).count();
            long headline = own.stream().filter(Indicator::headline).count();
            assertThat(run.out()).containsPattern("(?m)^" + c.id() + "\\s+" + own.size() + "\\s+" + sources + "\\s+"
                    + alerting + "\\s+" + headline + "$");
        }
        assertThat(run.out()).containsPattern("(?m)^total \\(32\\)\\s+" + catalog.size() + "\\s");
    }

    @Test
    void catalogMarkdownIsTheCommittedDocsCatalogMd() throws Exception {
        TwinCommandLine.Run run = twin("catalog", "--markdown");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(Path.of("..", "docs", "catalog.md")));
    }

    @Test
    void catalogJsonCarriesNamesDescriptionsAndHeadlines() throws Exception {
        TwinCommandLine.Run run = twin("catalog", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode all = new ObjectMapper().readTree(run.out());
        assertThat(all.size()).isEqualTo(CatalogLoader.load("shanghai").size());
        JsonNode gates = null;
        for (JsonNode n : all) {
            if ("metro_gates_online".equals(n.get("id").asText())) {
                gates = n;
            }
        }
        assertThat(gates).isNotNull();
        assertThat(gates.get("zh").asText()).isEqualTo("在线闸机数");
        assertThat(gates.get("enDescription").asText()).isEqualTo("Number of metro gates in the area that are online (still reporting), every minute.");
        assertThat(gates.get("zhDescription").asText()).isEqualTo("区域内在线（仍在上报）的地铁闸机数，每分钟更新。");
        assertThat(gates.get("headline").asBoolean()).isFalse();
        assertThat(gates.get("metric").asText()).isEqualTo("in_service");
    }

    @Test
    void validateListsEveryErrorWithFileLineAndIdAndExitsNonZero(@TempDir Path dir) throws Exception {
        copyCity(dir);
        Path air = dir.resolve("catalog/02-air-quality.yaml");
        List<String> lines = Files.readAllLines(air);
        int idLine = lines.indexOf("  - id: air_aqi_avg") + 1;
        int aggregationLine = lines.subList(idLine, lines.size()).indexOf("    aggregation: avg") + idLine + 1;
        lines.set(aggregationLine - 1, "    aggregation: averge");
        int pm25Line = lines.indexOf("  - id: air_pm25_avg") + 1;
        lines.set(pm25Line - 1, "  - id: air_aqi_avg");
        Files.write(air, lines);

        TwinCommandLine.Run run = twin("catalog", "validate", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains(air + ":" + idLine + ": [air_aqi_avg] unknown aggregation 'averge'");
        assertThat(run.err()).contains(air + ":" + pm25Line + ": [air_aqi_avg] duplicate id");
        assertThat(run.err()).contains("catalog rejected");
    }

    @Test
    void simulateWritesAFeedThatParsesExceptItsDeliberatelyBadRecords(@TempDir Path dir) throws Exception {
        Path feed = dir.resolve("feed.jsonl.gz");
        Path registryFile = dir.resolve("registry.jsonl.gz");

        TwinCommandLine.Run run = twin("simulate", "--seed", "5", "--duration", "PT10M", "--scale", "0.02", "--bad-share", "0.05",
                "--out", feed.toString(), "--registry", registryFile.toString());

        assertThat(run.exitCode()).isZero();
        AssetTypes types = AssetTypes.load("shanghai");
        CitySimulator reference = new CitySimulator(types, CityTopology.load("shanghai"), CitySimulator.options()
                .seed(5).duration(600_000).scale(0.02).badShare(0.05)
                .start(java.time.Instant.parse("2025-07-01T00:00:00Z").toEpochMilli()));
        Map<RejectReason, Integer> expected = new EnumMap<>(RejectReason.class);
        int records = 0;
        for (SimRecord r : reference) {
            records++;
            RejectReason reason = r.recordClass().expectedReason();
            if (reason != null && reason != RejectReason.DUPLICATE && reason != RejectReason.LATE) {
                expected.merge(reason, 1, Integer::sum);
            }
        }
        EventParser parser = new EventParser(types, AssetRegistry.load(registryFile));
        Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
        int lines = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(feed)), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; lines++) {
                ParseResult result = parser.parse(line.getBytes(StandardCharsets.UTF_8));
                if (!result.ok()) {
                    rejected.merge(result.rejection().reason(), 1, Integer::sum);
                }
            }
        }
        assertThat(lines).isEqualTo(records);
        assertThat(run.out()).contains("wrote " + String.format("%,d", records) + " records");
        assertThat(rejected).isEqualTo(expected).isNotEmpty();
    }

    private static void copyCity(Path target) throws Exception {
        Path source = Path.of("..", "twin-model", "src", "main", "resources", "city", "shanghai");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }
}
