package org.citytwin.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.citytwin.model.CitySource;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogError;
import org.citytwin.model.catalog.CatalogException;
import org.citytwin.model.catalog.CatalogDocument;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.CategoryStats;
import org.citytwin.model.catalog.Indicator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code twin catalog}: list, dump or count the indicator catalog; {@code twin catalog validate DIR}. */
@Command(name = "catalog", mixinStandardHelpOptions = true, description = "Show the indicator catalog of a city.",
        subcommands = CatalogCommand.Validate.class)
public final class CatalogCommand implements Callable<Integer> {
    @Option(names = "--city", defaultValue = "shanghai", description = "Classpath city name (default: ${DEFAULT-VALUE}).")
    String city;

    @Option(names = "--dir", description = "City directory (topology.yaml, asset-types.yaml, catalog/*.yaml).")
    Path dir;

    @Option(names = "--json", description = "Print the catalog as JSON.")
    boolean json;

    @Option(names = "--stats", description = "Print per category: indicators, distinct sources, alerting, headline.")
    boolean stats;

    @Option(names = "--markdown", description = "Print docs/catalog.md (headline indicators and thresholds per category).")
    boolean markdown;

    @Override
    public Integer call() throws Exception {
        Catalog c;
        try {
            c = CatalogLoader.load(dir != null ? dir.toString() : city);
        } catch (CatalogException e) {
            e.errors().forEach(err -> System.err.println(err));
            return 1;
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c.indicators()));
        } else if (markdown) {
            System.out.print(CatalogDocument.markdown(c));
        } else if (stats) {
            printStats(c);
        } else {
            for (Indicator i : c.indicators()) {
                System.out.printf("%-45s %-16s %-8s %-10s %s / %s%n", i.id(), i.category(), i.aggregation().tag(), i.unit(), i.zh(), i.en());
            }
        }
        return 0;
    }

    private static void printStats(Catalog c) {
        List<CategoryStats> stats = CategoryStats.of(c);
        System.out.printf("%-18s %10s %8s %9s %9s%n", "category", "indicators", "sources", "alerting", "headline");
        for (CategoryStats s : stats) {
            System.out.printf("%-18s %10d %8d %9d %9d%n", s.category().id(), s.indicators(), s.sources(), s.alerting(), s.headline());
        }
        System.out.printf("%-18s %10d %8d %9d %9d%n", "total (" + c.categories().size() + ")", c.size(),
                CategoryStats.sources(c.indicators()).size(), stats.stream().mapToInt(CategoryStats::alerting).sum(),
                stats.stream().mapToInt(CategoryStats::headline).sum());
        StringBuilder aggs = new StringBuilder("aggregations:");
        c.countsByAggregation().forEach((k, v) -> aggs.append(' ').append(k.tag()).append('=').append(v));
        System.out.println(aggs);
    }

    /** {@code twin catalog validate DIR}: exit 1 with every located error. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validate a city directory (or a catalog directory, checked against Shanghai's asset types).")
    static final class Validate implements Callable<Integer> {
        @Parameters(index = "0", description = "City directory or catalog directory.")
        Path dir;

        @Override
        public Integer call() {
            try {
                Catalog c;
                if (Files.isDirectory(dir.resolve(CitySource.CATALOG_DIR))) {
                    c = CatalogLoader.load(dir.toString());
                } else {
                    c = CatalogLoader.load(Files.list(dir).filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .sorted().map(p -> new CatalogLoader.Source(p.toString(), () -> Files.newInputStream(p))).toList(),
                            AssetTypes.load("shanghai"));
                }
                System.out.println("OK: " + c.categories().size() + " categories, " + c.size() + " indicators");
                return 0;
            } catch (CatalogException e) {
                for (CatalogError err : e.errors()) {
                    System.err.println(err);
                }
                System.err.println(e.errors().size() + " error(s); catalog rejected");
                return 1;
            } catch (Exception e) {
                System.err.println("cannot validate " + dir + ": " + e.getMessage());
                return 2;
            }
        }
    }
}
