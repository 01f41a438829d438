package org.citytwin.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.citytwin.grafana.DashboardGenerator;
import org.citytwin.model.catalog.CatalogException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code twin grafana --out DIR}: the city's Grafana dashboards and district gazetteer, generated from its catalog. */
@Command(name = "grafana", mixinStandardHelpOptions = true,
        description = {"Generate the Grafana dashboards (wall screen, one per category, engine health) from the catalog.",
            "Writes DIR/dashboards/*.json and DIR/gazetteer/city-districts.json; `--out grafana` regenerates the committed ones."})
public final class GrafanaCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Option(names = "--city", defaultValue = "shanghai", description = "Classpath city name (default: ${DEFAULT-VALUE}).")
    String city;

    @Option(names = "--dir", description = "City directory (topology.yaml, asset-types.yaml, catalog/*.yaml).")
    Path dir;

    @Override
    public Integer call() {
        try {
            int n = DashboardGenerator.write(DashboardGenerator.generate(dir != null ? dir.toString() : city), out);
            System.out.println(n + " files written to " + out);
            return 0;
        } catch (CatalogException e) {
            e.errors().forEach(System.err::println);
            return 1;
        }
    }
}
