package org.citytwin.grafana;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.citytwin.model.CitySource;
import org.citytwin.model.catalog.Catalog;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.catalog.Category;
import org.citytwin.model.catalog.Indicator;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;
import org.citytwin.model.topology.DistrictCentroids;
import org.citytwin.model.topology.DistrictCentroids.Centroid;

/**
 * Generates the Grafana files of a city from its catalog and topology: {@code dashboards/*.json}
 * (the wall screen, one dashboard per category, engine health) and {@code gazetteer/city-districts.json}
 * (district centroids for the wall's map). The output is byte-for-byte reproducible.
 */
public final class DashboardGenerator {
    public static final String DASHBOARDS_DIR = "dashboards";
    public static final String GAZETTEER_FILE = "gazetteer/city-districts.json";
    private static final ObjectWriter WRITER = new ObjectMapper().writer(
            new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    /** One generated file: its path relative to the output directory and its content. */
    public record GeneratedFile(String path, String content) {}

    private DashboardGenerator() {}

    /** The files of a classpath city name or a city directory. */
    public static List<GeneratedFile> generate(String cityOrDir) {
        CitySource src = CitySource.of(cityOrDir);
        return generate(CatalogLoader.load(cityOrDir), CityTopology.load(src), DistrictCentroids.load(src));
    }

    public static List<GeneratedFile> generate(Catalog catalog, CityTopology topology, Map<String, Centroid> centroids) {
        Map<String, List<Indicator>> byCategory = new LinkedHashMap<>();
        catalog.categories().forEach(c -> byCategory.put(c.id(), new ArrayList<>()));
        catalog.indicators().forEach(i -> byCategory.get(i.category()).add(i));
        List<GeneratedFile> files = new ArrayList<>();
        files.add(dashboard("city-vital-signs.json", CityWall.build(catalog, byCategory, topology, centroids)));
        int n = 1;
        for (Category c : catalog.categories()) {
            files.add(dashboard(String.format("category-%02d-%s.json", n++, c.id().replace('_', '-')),
                    CategoryBoard.build(c, byCategory.get(c.id()), topology)));
        }
        files.add(dashboard("engine-health.json", EngineBoard.build()));
        files.add(new GeneratedFile(GAZETTEER_FILE, json(gazetteer(topology, centroids))));
        return files;
    }

    /** Writes the files under {@code out}, replacing what is there; returns how many were written. */
    public static int write(List<GeneratedFile> files, Path out) {
        try {
            for (GeneratedFile f : files) {
                Path p = out.resolve(f.path());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.content(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.size();
    }

    private static GeneratedFile dashboard(String name, ObjectNode d) {
        return new GeneratedFile(DASHBOARDS_DIR + "/" + name, json(d));
    }

    /** Grafana's "worldmap points" gazetteer format: key, latitude, longitude, name. */
    private static ArrayNode gazetteer(CityTopology topology, Map<String, Centroid> centroids) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Area d : topology.districts()) {
            Centroid c = centroids.get(d.code());
            if (c != null) {
                a.addObject().put("key", d.code()).put("latitude", c.lat()).put("longitude", c.lon())
                        .put("name", d.zh() + " " + d.en());
            }
        }
        return a;
    }

    private static String json(Object node) {
        try {
            return WRITER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Regenerates the committed files: {@code DashboardGenerator [CITY] OUT_DIR}. */
    public static void main(String[] args) {
        String city = args.length > 1 ? args[0] : "shanghai";
        Path out = Path.of(args[args.length - 1]);
        System.out.println(write(generate(city), out) + " files written to " + out);
    }
}
