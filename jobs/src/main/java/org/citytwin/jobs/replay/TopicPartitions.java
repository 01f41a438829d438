package org.citytwin.jobs.replay;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** How many partitions the feed topic has: a scenario's records join the partition of their asset. */
public final class TopicPartitions {

    private static final int TIMEOUT_S = 30;

    private TopicPartitions() {}

    /** @throws IllegalStateException with one line when Kafka does not answer */
    public static int of(String bootstrapServers, String topic) throws InterruptedException {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        try (Admin admin = Admin.create(props)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot count the partitions of '" + topic + "' on " + bootstrapServers + ": "
                    + (e.getCause() == null ? e : e.getCause()).toString().lines().findFirst().orElse(""));
        }
    }
}
