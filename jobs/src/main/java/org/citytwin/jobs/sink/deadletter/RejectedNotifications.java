package org.citytwin.jobs.sink.deadletter;

import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.source.DeadLetter;

/**
 * Where notifications a receiver rejected for good (a 4xx other than 408/429) go: the run's
 * dead-letter topic or directory, as {@link DeadLetter}s of reason {@link #REASON}. A sink writer
 * cannot emit into the job's dead-letter stream, so it writes them itself, in the same format,
 * synchronously: a letter is acknowledged (Kafka) or forced to disk (file) before its
 * notification leaves the writer's checkpointed backlog, so none is lost (at-least-once: a
 * restart before the next checkpoint sends the notification again and, if it is rejected again,
 * letters it twice).
 */
public sealed interface RejectedNotifications extends Serializable {

    /** The dead letter's reason; not a feed {@code RejectReason}, so the engine's record account is not touched. */
    String REASON = "NOTIFICATION_REJECTED";
    /** At most this many characters of the receiver's answer are kept in the letter's detail. */
    int MAX_ANSWER_CHARS = 1024;

    /** Opens the letter box of one receiver's sink subtask. */
    Box open(String receiver, int subtask) throws IOException;

    /** Writes letters; thread-safe. */
    interface Box extends AutoCloseable {
        void post(DeadLetter letter) throws IOException;

        @Override
        void close();
    }

    /**
     * The letter of a rejected notification: detail {@code HTTP <status> from receiver <name>: <answer>}
     * (the answer cut to {@link #MAX_ANSWER_CHARS}), topic {@code receiver:<name>}, no partition or
     * offset (-1), payload the exact request body that was rejected.
     */
    static DeadLetter letter(String receiver, int status, String answer, byte[] requestBody) {
        String excerpt = answer == null ? "" : answer.length() <= MAX_ANSWER_CHARS ? answer
                : answer.substring(0, MAX_ANSWER_CHARS) + "…";
        return new DeadLetter(REASON, "HTTP " + status + " from receiver " + receiver + ": " + excerpt,
                "receiver:" + receiver, -1, -1, requestBody);
    }

    /** Like the run's dead letters: the directory when {@code dead-letters.dir} is set, else the Kafka topic. */
    static RejectedNotifications fromOptions(Configuration options) {
        return options.getOptional(TwinOptions.DEAD_LETTER_DIR)
                .<RejectedNotifications>map(ToFiles::new)
                .orElseGet(() -> new ToKafka(options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS),
                        options.get(TwinOptions.DEAD_LETTER_TOPIC)));
    }

    /** Messages on the dead-letter topic, keyed by reason (as {@link DeadLetterSinks#kafka}). */
    record ToKafka(String bootstrapServers, String topic) implements RejectedNotifications {
        @Override
        public Box open(String receiver, int subtask) {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "twin-rejected-notifications-" + receiver + "-" + subtask);
            KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            return new Box() {
                @Override
                public void post(DeadLetter letter) throws IOException {
                    try {
                        producer.send(DeadLetterSinks.record(topic, letter)).get();
                    } catch (ExecutionException e) {
                        throw new IOException("dead letter not written to " + topic, e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while writing a dead letter", e);
                    }
                }

                @Override
                public void close() {
                    producer.close();
                }
            };
        }
    }

    /** JSON lines in {@code notifications-<receiver>-<subtask>.jsonl} under the dead-letter directory. */
    record ToFiles(String dir) implements RejectedNotifications {
        @Override
        public Box open(String receiver, int subtask) throws IOException {
            Path file = Path.of(dir).resolve("notifications-" + receiver + "-" + subtask + ".jsonl");
            Files.createDirectories(file.getParent());
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new Box() {
                @Override
                public synchronized void post(DeadLetter letter) throws IOException {
                    channel.write(ByteBuffer.wrap(DeadLetterSinks.line(letter)));
                    channel.force(false);
                }

                @Override
                public void close() {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        throw new IllegalStateException("closing " + file, e);
                    }
                }
            };
        }
    }
}
