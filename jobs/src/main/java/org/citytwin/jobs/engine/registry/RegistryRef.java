package org.citytwin.jobs.engine.registry;

import java.io.Serializable;
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

    /** A registry shipped with the job, as it is now. */
    public static RegistryRef of(AssetRegistry registry) {
        return new Fixed(registry);
    }

    /** The registry of the compacted topic (key: asset id, value: registry JSON line, tombstone: removal). */
    public static RegistryRef kafkaTopic(String bootstrapServers, String topic) {
        return new Followed(bootstrapServers, topic);
    }

    private static final class Fixed extends RegistryRef {
        private static final long serialVersionUID = 1L;
        private final AssetRegistry registry;

        Fixed(AssetRegistry registry) {
            this.registry = registry;
        }

        @Override
        public AssetRegistry resolve() {
            return registry;
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
