package org.citytwin.jobs.cli;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.sim.FeedWriter;
import org.citytwin.model.sim.SimRecord;
import org.citytwin.model.topology.CityTopology;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/** {@code twin simulate}: a seeded city feed to a gzip JSON-lines file or a Kafka topic, with live progress. */
@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Generate a deterministic city feed.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--city", defaultValue = "shanghai", description = "City name or directory (default: ${DEFAULT-VALUE}).")
    String city;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--start", defaultValue = "2025-07-01T00:00:00Z", description = "Start (ISO instant).") Instant start;
    @Option(names = "--duration", defaultValue = "PT1H", description = "Duration (ISO-8601, e.g. PT1H).") Duration duration;
    @Option(names = "--scale", defaultValue = "1.0", description = "Asset count multiplier (1.0 ≈ 55k assets).") double scale;
    @Option(names = "--bad-share", defaultValue = "0.0", description = "Share of deliberately bad records (0..1).") double badShare;
    @Option(names = "--pace", defaultValue = "fast", description = "realtime | fast") String pace;
    @Option(names = "--registry", description = "Where to write the generated asset registry (.jsonl or .jsonl.gz).") Path registry;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", description = "Output file (FILE.jsonl.gz).") Path out;
        @ArgGroup(exclusive = false) KafkaTarget kafka;
    }

    static final class KafkaTarget {
        @Option(names = "--kafka", required = true, description = "Kafka bootstrap servers.") String bootstrap;
        @Option(names = "--topic", required = true) String topic;
    }

    @Override
    public Integer call() throws Exception {
        CitySimulator sim = new CitySimulator(AssetTypes.load(city), CityTopology.load(city), CitySimulator.options()
                .seed(seed).start(start.toEpochMilli()).duration(duration.toMillis()).scale(scale).badShare(badShare));
        if (registry != null) {
            sim.registry().write(registry);
        }
        FeedWriter.Pace p = FeedWriter.Pace.valueOf(pace.toUpperCase(java.util.Locale.ROOT));
        long t0 = System.nanoTime();
        long[] lastTime = {sim.start()};
        Consumer<Long> progress = n -> {
            double secs = Math.max(1e-3, (System.nanoTime() - t0) / 1e9);
            double done = (lastTime[0] - sim.start()) / (double) Math.max(1, sim.end() - sim.start());
            double eta = done <= 0 ? 0 : secs / done - secs;
            System.err.printf("\r%,d records  %,.0f records/s  %.1f%% of simulated time  ETA %.0fs   ", n, n / secs, done * 100, eta);
        };
        long n;
        if (target.out != null) {
            try (OutputStream raw = Files.newOutputStream(target.out);
                 OutputStream o = new BufferedOutputStream(target.out.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw, 1 << 16)) {
                n = FeedWriter.run(sim, p, r -> {
                    lastTime[0] = r.time();
                    write(o, r);
                }, progress);
            }
        } else {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafka.bootstrap);
            props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                n = FeedWriter.run(sim, p, r -> {
                    lastTime[0] = r.time();
                    producer.send(new ProducerRecord<>(target.kafka.topic, null, r.time(), r.key(), r.json()));
                }, progress);
                producer.flush();
            }
        }
        System.err.println();
        System.out.printf("wrote %,d records for %,d assets%n", n, sim.registry().size());
        return 0;
    }

    private static void write(OutputStream o, SimRecord r) {
        try {
            o.write(r.json());
            o.write('\n');
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
