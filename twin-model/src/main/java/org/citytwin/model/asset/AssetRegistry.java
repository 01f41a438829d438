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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Asset id → {@link AssetHistory}: its entries by the event time from which each applies. Loaded from
 * a JSON-lines file (gzip when the name ends in .gz), one
 * {@code {"id","type","street","lat","lon","attributes":{..},"valid_from":..}} per line ({@code
 * valid_from} optional: epoch milliseconds like a record's {@code ts}, or an ISO-8601 instant; lines of
 * one id with different {@code valid_from} are its history, a line of the same id and time replaces
 * that entry); {@link #put} lets a compacted Kafka topic keep it current. Thread-safe: a follower of
 * that topic updates it while the job's tasks read it; lookups by id, one per record, take no lock
 * (the twins of a TaskManager's slots share one registry).
 */
public final class AssetRegistry implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** In registration order, for {@link #all}; written under the lock. */
    private final Map<String, AssetHistory> assets = new LinkedHashMap<>();
    /** The same histories for lock-free lookups by id. */
    private final Map<String, AssetHistory> byId = new ConcurrentHashMap<>();
    /**
     * The id of each change since version {@link #changesFrom}, in order: lets a reader find the
     * assets changed since it looked. Cleared when it grows past twice the assets (a long-followed
     * topic): a reader from before then is given every asset.
     */
    private final List<String> changes = new ArrayList<>();
    private long changesFrom;
    /** Changes so far: lets a reader rebuild what it derived from the registry when it changed. */
    private volatile long version;

    public AssetRegistry() {
    }

    public AssetRegistry(Collection<Asset> assets) {
        assets.forEach(this::put);
    }

    /** Adds or replaces an asset's entry that applies from the beginning. */
    public void put(Asset asset) {
        put(asset, AssetHistory.ALWAYS);
    }

    /**
     * Adds or replaces the asset's entry that applies from event time {@code validFrom}
     * ({@link AssetHistory#ALWAYS}: from the beginning).
     *
     * @throws IllegalArgumentException if the entry changes the asset's type
     */
    public synchronized void put(Asset asset, long validFrom) {
        AssetHistory known = assets.get(asset.id());
        AssetHistory history = known == null ? AssetHistory.of(asset, validFrom) : known.with(asset, validFrom);
        byId.put(asset.id(), history);
        assets.put(asset.id(), history);
        changed(asset.id());
    }

    /** Removes the asset with every entry of its history. */
    public synchronized void remove(String id) {
        byId.remove(id);
        assets.remove(id);
        changed(id);
    }

    private void changed(String id) {
        version++;
        if (changes.size() >= Math.max(1024, 2 * assets.size())) {
            changes.clear();
            changesFrom = version - 1;
        }
        changes.add(id);
    }

    /** How many times the registry changed; equal versions mean equal contents. */
    public long version() { return version; }

    /**
     * The ids of the assets changed since version {@code seen} (the {@link #version} when the reader
     * looked last), in order; every registered asset when the changes since then are no longer
     * kept. Ids may repeat; a removed asset's id may be among them.
     */
    public synchronized List<String> changedSince(long seen) {
        if (seen < changesFrom) {
            return List.copyOf(assets.keySet());
        }
        return List.copyOf(changes.subList((int) (seen - changesFrom), changes.size()));
    }

    /** The asset with this id as its latest entry has it, or null. */
    public Asset get(String id) {
        AssetHistory history = byId.get(id);
        return history == null ? null : history.latest();
    }

    /** The asset's entries by the time from which each applies, or null. */
    public AssetHistory history(String id) {
        return byId.get(id);
    }

    public synchronized int size() { return assets.size(); }

    /** A snapshot of the registered assets (each as its latest entry), in registration order. */
    public synchronized Collection<Asset> all() {
        return assets.values().stream().map(AssetHistory::latest).toList();
    }

    /** A snapshot of every entry of every asset: the streets an asset is in at some time. */
    public synchronized Collection<Asset> allEntries() {
        return assets.values().stream().flatMap(h -> h.entries().stream()).toList();
    }

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
                JsonNode j = JSON.readTree(line);
                r.put(fromJson(j), validFrom(j));
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

    /** A registry line's {@code valid_from}: epoch milliseconds or an ISO-8601 instant; {@link AssetHistory#ALWAYS} if absent. */
    public static long validFrom(JsonNode j) {
        JsonNode v = j.get("valid_from");
        if (v == null || v.isNull()) {
            return AssetHistory.ALWAYS;
        }
        if (v.isIntegralNumber()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("valid_from '" + v.asText() + "' is not an ISO-8601 instant");
            }
        }
        throw new IllegalArgumentException("valid_from must be epoch milliseconds or an ISO-8601 instant, not " + v);
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
        return toJson(a, AssetHistory.ALWAYS);
    }

    /** One entry as a registry JSON line (no newline), with its {@code valid_from} unless {@link AssetHistory#ALWAYS}. */
    public static String toJson(Asset a, long validFrom) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("type", a.type());
        m.put("street", a.street());
        m.put("lat", a.lat());
        m.put("lon", a.lon());
        m.put("attributes", a.attributes());
        if (validFrom != AssetHistory.ALWAYS) {
            m.put("valid_from", validFrom);
        }
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
        List<AssetHistory> histories;
        synchronized (this) {
            histories = List.copyOf(assets.values());
        }
        for (AssetHistory history : histories) {
            List<Asset> entries = history.entries();
            for (int i = 0; i < entries.size(); i++) {
                w.write(toJson(entries.get(i), history.validFromAt(i)));
                w.write('\n');
            }
        }
        w.flush();
    }
}
