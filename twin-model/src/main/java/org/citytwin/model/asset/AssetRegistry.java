package org.citytwin.model.asset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Asset id → {@link Asset}. Loaded from a JSON-lines file (gzip when the name ends in .gz), one
 * {@code {"id","type","street","lat","lon","attributes":{..}}} per line; {@link #put} lets a
 * compacted Kafka topic keep it current. Thread-safe: a follower of that topic updates it while the
 * job's tasks read it; lookups by id, one per record, take no lock (the twins of a TaskManager's
 * slots share one registry).
 */
public final class AssetRegistry implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** In registration order, for {@link #all}; written under the lock. */
    private final Map<String, Asset> assets = new LinkedHashMap<>();
    /** The same assets for lock-free lookups by id. */
    private final Map<String, Asset> byId = new ConcurrentHashMap<>();
    /** Changes so far: lets a reader rebuild what it derived from the registry when it changed. */
    private volatile long version;

    public AssetRegistry() {
    }

    public AssetRegistry(Collection<Asset> assets) {
        assets.forEach(this::put);
    }

    /** Adds or replaces an asset; returns the previous one or null. */
    public synchronized Asset put(Asset asset) {
        byId.put(asset.id(), asset);
        version++;
        return assets.put(asset.id(), asset);
    }

    public synchronized Asset remove(String id) {
        byId.remove(id);
        version++;
        return assets.remove(id);
    }

    /** How many times the registry changed; equal versions mean equal contents. */
    public long version() { return version; }

    /** The asset with this id, or null. */
    public Asset get(String id) {
        return byId.get(id);
    }

    public synchronized int size() { return assets.size(); }

    /** A snapshot of the registered assets, in registration order. */
    public synchronized Collection<Asset> all() { return List.copyOf(assets.values()); }

    public static AssetRegistry load(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            return read(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads JSON lines; a bad line fails the load with its line number. */
    public static AssetRegistry read(InputStream in, String name) throws IOException {
        AssetRegistry r = new AssetRegistry();
        BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        String line;
        int n = 0;
        while ((line = br.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                r.put(fromJson(JSON.readTree(line)));
            } catch (IOException | RuntimeException e) {
                throw new IOException(name + ":" + n + ": bad asset line: " + e.getMessage(), e);
            }
        }
        return r;
    }

    /** Parses one registry line (also the value format of the asset Kafka topic). */
    public static Asset fromJson(JsonNode j) {
        String id = text(j, "id");
        Map<String, Object> attrs = new LinkedHashMap<>();
        JsonNode a = j.get("attributes");
        if (a != null) {
            a.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                attrs.put(e.getKey(), v.isNumber() ? (Object) v.doubleValue() : v.isBoolean() ? (Object) v.booleanValue()
                        : v.asText());
            });
        }
        // Types and streets are few and shared by many assets: one instance each.
        return new Asset(id, text(j, "type").intern(), text(j, "street").intern(), j.path("lat").asDouble(),
                j.path("lon").asDouble(), attrs);
    }

    private static String text(JsonNode j, String f) {
        JsonNode v = j.get(f);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing text field '" + f + "'");
        }
        return v.asText();
    }

    /** One asset as a registry JSON line (no newline). */
    public static String toJson(Asset a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("type", a.type());
        m.put("street", a.street());
        m.put("lat", a.lat());
        m.put("lon", a.lon());
        m.put("attributes", a.attributes());
        try {
            return JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the registry as JSON lines, gzip when the name ends in .gz. */
    public void write(Path file) {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream o = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            write(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the registry as JSON lines (what {@link #read} reads); leaves the stream open. */
    public void write(OutputStream out) throws IOException {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        for (Asset a : all()) {
            w.write(toJson(a));
            w.write('\n');
        }
        w.flush();
    }
}
