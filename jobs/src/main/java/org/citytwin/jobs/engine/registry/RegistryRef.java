package org.citytwin.jobs.engine.registry;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.citytwin.model.asset.AssetRegistry;

/**
 * Where the job's operators find the asset registry: a fixed registry shipped with the job
 * (from a file), or the registry kept current from a compacted Kafka topic in each TaskManager,
 * so that new assets join without a restart.
 */
public abstract class RegistryRef implements Serializable {

    private static final long serialVersionUID = 1L;

    private RegistryRef() {}

    /** The registry to look assets up in; called when an operator opens. */
    public abstract AssetRegistry resolve();

    /** A registry shipped with the job, as it is now (as JSON lines: numbers as doubles, as a registry file gives them). */
    public static RegistryRef of(AssetRegistry registry) {
        return new Fixed(registry);
    }

    /** The registry of the compacted topic (key: asset id, value: registry JSON line, tombstone: removal). */
    public static RegistryRef kafkaTopic(String bootstrapServers, String topic) {
        return new Followed(bootstrapServers, topic);
    }

    /**
     * Shipped as gzip JSON lines and read once per JVM (TaskManager), whichever operators and
     * subtasks resolve it: Java serialization of the registry's maps cost each operator instance a
     * second or more at start-up for a city of 60,000 assets, and the registry held once per instance.
     */
    private static final class Fixed extends RegistryRef {
        private static final long serialVersionUID = 2L;
        /** The registry read last in this JVM, by the digest of its lines. */
        private static final Map<String, AssetRegistry> READ = new HashMap<>();

        private final byte[] lines;
        private final String digest;
        /** The registry given (when not serialized: tests may change it) or read. */
        private transient AssetRegistry registry;

        Fixed(AssetRegistry registry) {
            this.registry = registry;
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 1 << 16)) {
                registry.write(gzip);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.lines = bytes.toByteArray();
            this.digest = sha256(lines);
        }

        @Override
        public AssetRegistry resolve() {
            if (registry == null) {
                registry = read(digest, lines);
            }
            return registry;
        }

        private static AssetRegistry read(String digest, byte[] lines) {
            synchronized (READ) {
                AssetRegistry read = READ.get(digest);
                if (read == null) {
                    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(lines), 1 << 16)) {
                        read = AssetRegistry.read(in, "the registry shipped with the job");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    READ.clear(); // one registry per JVM at a time: an older job's is not kept alive
                    READ.put(digest, read);
                }
                return read;
            }
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class Followed extends RegistryRef {
        private static final long serialVersionUID = 1L;
        private final String bootstrapServers;
        private final String topic;

        Followed(String bootstrapServers, String topic) {
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
        }

        @Override
        public AssetRegistry resolve() {
            return RegistryFollower.shared(bootstrapServers, topic);
        }
    }
}
