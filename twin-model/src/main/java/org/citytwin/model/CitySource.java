package org.citytwin.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a city's data files live: a classpath city name ({@code shanghai} → {@code
 * city/shanghai/} on the classpath) or a directory with the same layout:
 * {@code topology.yaml}, {@code asset-types.yaml}, {@code catalog/*.yaml}.
 */
public final class CitySource {
    public static final String TOPOLOGY = "topology.yaml";
    public static final String ASSET_TYPES = "asset-types.yaml";
    public static final String CATALOG_DIR = "catalog";

    private final String name;
    private final Path dir;

    private CitySource(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** A directory if {@code cityOrDir} names an existing one, else a classpath city name. */
    public static CitySource of(String cityOrDir) {
        Path p = Path.of(cityOrDir);
        if (Files.isDirectory(p)) {
            return new CitySource(p.getFileName() == null ? cityOrDir : p.getFileName().toString(), p);
        }
        return classpath(cityOrDir);
    }

    public static CitySource directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("not a directory: " + dir);
        }
        return new CitySource(String.valueOf(dir.getFileName()), dir);
    }

    /** The city shipped on the classpath under {@code city/<name>/}. */
    public static CitySource classpath(String name) {
        URL url = CitySource.class.getClassLoader().getResource("city/" + name + "/" + TOPOLOGY);
        if (url == null) {
            throw new IllegalArgumentException("no city '" + name + "' on the classpath and no such directory");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                }
                return new CitySource(name, fs.getPath("/city/" + name));
            }
            return new CitySource(name, Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw new IllegalArgumentException("cannot open city '" + name + "': " + e, e);
        }
    }

    public String name() { return name; }

    public Path dir() { return dir; }

    public boolean has(String relative) {
        return Files.exists(dir.resolve(relative));
    }

    public InputStream open(String relative) throws IOException {
        return Files.newInputStream(dir.resolve(relative));
    }

    /** Display path of a file, used in error messages. */
    public String display(String relative) {
        return dir.resolve(relative).toString();
    }

    /** Catalog files relative to the city dir ({@code catalog/x.yaml}), sorted by name. */
    public List<String> catalogFiles() {
        Path c = dir.resolve(CATALOG_DIR);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(c)) {
            return out;
        }
        try (Stream<Path> s = Files.list(c)) {
            s.map(x -> x.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
                    .sorted()
                    .forEach(f -> out.add(CATALOG_DIR + "/" + f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public String toString() { return name + " (" + dir + ")"; }
}
