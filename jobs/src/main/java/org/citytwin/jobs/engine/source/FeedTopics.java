package org.citytwin.jobs.engine.source;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Checks the Kafka topics before the job starts: a missing feed topic or asset registry topic (or
 * an unreachable broker) stops {@code twin run} with one line instead of a job that fails over
 * forever; a missing dead-letter topic is created with the broker's default partitions and replication.
 */
public final class FeedTopics {

    private static final long TIMEOUT_S = 15;

    private FeedTopics() {}

    /**
     * @param deadLetterTopic created when missing; null when dead letters go to files
     * @param registryTopic the compacted topic of the asset registry; null when the registry is a file
     * @return what was found, for the start-up line
     * @throws IllegalStateException with one line when the feed or the registry cannot be read
     */
    public static String ensure(String bootstrapServers, String feedTopic, String deadLetterTopic, String registryTopic)
            throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        try (Admin admin = Admin.create(props)) {
            Set<String> topics = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            if (!topics.contains(feedTopic)) {
                throw new IllegalStateException("the feed topic '" + feedTopic + "' does not exist on " + bootstrapServers
                        + " (set feed.kafka.topic, or create it with as many partitions as the feed needs)");
            }
            int partitions = admin.describeTopics(List.of(feedTopic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(feedTopic).partitions().size();
            String found = "feed topic '" + feedTopic + "' (" + partitions + " partitions)";
            if (registryTopic != null) {
                if (!topics.contains(registryTopic)) {
                    throw new IllegalStateException("the asset registry topic '" + registryTopic + "' does not exist on "
                            + bootstrapServers + " (set registry.kafka.topic, or create it compacted: cleanup.policy=compact)");
                }
                found += ", asset registry topic '" + registryTopic + "'";
            }
            if (deadLetterTopic == null || topics.contains(deadLetterTopic)) {
                return found;
            }
            try {
                admin.createTopics(List.of(new NewTopic(deadLetterTopic, Optional.empty(), Optional.empty())))
                        .all().get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return found + "; created the dead-letter topic '" + deadLetterTopic + "'";
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT_S
                    + " s: " + (e.getCause() == null ? e : e.getCause()).toString().lines().findFirst().orElse(""));
        }
    }
}
