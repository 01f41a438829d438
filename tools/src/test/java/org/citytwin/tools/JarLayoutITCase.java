package org.citytwin.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The two jars as built: the job jar that users submit to a Flink cluster holds no Kafka broker and no
 * embedded service; the tools jar holds them, and nothing the job jar already has.
 */
class JarLayoutITCase {

    static final Path JOB_JAR = Path.of("..", "jobs", "target", "twin.jar");
    static final Path TOOLS_JAR = Path.of("target", "twin-tools.jar");

    private static Set<String> classes(Path jar) throws IOException {
        assertThat(jar).as("built by `mvn package`").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/"))
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<String> under(Set<String> classes, String... prefixes) {
        List<String> found = new ArrayList<>();
        for (String name : classes) {
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    @Test
    void theJobJarHoldsNoEmbeddedServiceNoKafkaBrokerAndOnlyTheKafkaClient() throws Exception {
        Set<String> job = classes(JOB_JAR);

        assertThat(under(job, "org/citytwin/embedded/", "org/citytwin/tools/")).isEmpty();
        // The broker: Kafka's Scala core (kafka.server, kafka.log, ...), its Java server modules and Scala.
        assertThat(under(job, "kafka/", "scala/", "org/apache/kafka/raft/", "org/apache/kafka/controller/",
                "org/apache/kafka/metadata/", "org/apache/kafka/image/", "org/apache/kafka/storage/",
                "org/apache/kafka/coordinator/", "org/apache/kafka/common/test/")).isEmpty();
        // Every Kafka class in it is kafka-clients' (whose org.apache.kafka.server holds only plugin interfaces).
        Set<String> client = classes(jarOf(KafkaProducer.class));
        assertThat(new TreeSet<>(under(job, "org/apache/kafka/"))).isEqualTo(client);
        assertThat(job).contains("org/citytwin/jobs/cli/TwinCli.class", "org/citytwin/jobs/engine/IndicatorJob.class",
                "org/citytwin/model/plan/PlanIndex.class");
    }

    @Test
    void theToolsJarHoldsTheServicesAndNothingTheJobJarHas() throws Exception {
        Set<String> job = classes(JOB_JAR);
        Set<String> tools = classes(TOOLS_JAR);

        assertThat(tools).contains("org/citytwin/tools/DemoCommand.class", "org/citytwin/tools/BenchCommand.class",
                "org/citytwin/tools/SoakCommand.class", "org/citytwin/embedded/EmbeddedKafka.class",
                "org/citytwin/embedded/EmbeddedInfluxDb.class", "kafka/server/KafkaRaftServer.class",
                "org/apache/kafka/raft/KafkaRaftClient.class", "org/apache/kafka/common/test/KafkaClusterTestKit.class");
        List<String> both = new ArrayList<>(tools);
        both.retainAll(job);
        assertThat(both).as("classes in both jars").isEmpty();
    }

    @Test
    void everyServiceProviderEitherJarNamesIsAClassOfTheTwo() throws Exception {
        Set<String> all = new TreeSet<>(classes(JOB_JAR));
        all.addAll(classes(TOOLS_JAR));
        List<String> missing = new ArrayList<>();
        int providers = 0;
        for (Path jar : List.of(JOB_JAR, TOOLS_JAR)) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (ZipEntry entry : Collections.list(file.entries())) {
                    if (!entry.getName().startsWith("META-INF/services/") || entry.isDirectory()) {
                        continue;
                    }
                    try (InputStream in = file.getInputStream(entry)) {
                        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                            String provider = line.replaceAll("#.*", "").trim();
                            if (!provider.isEmpty()) {
                                providers++;
                                if (!all.contains(provider.replace('.', '/') + ".class")) {
                                    missing.add(jar.getFileName() + " " + entry.getName() + ": " + provider);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(providers).isGreaterThan(50);
        assertThat(missing).isEmpty();
        try (JarFile tools = new JarFile(TOOLS_JAR.toFile())) {
            assertThat(new String(tools.getInputStream(tools.getEntry("META-INF/services/org.citytwin.jobs.cli.ToolCommand"))
                    .readAllBytes(), StandardCharsets.UTF_8).lines().toList())
                    .containsExactly(DemoCommand.class.getName(), BenchCommand.class.getName(), SoakCommand.class.getName());
        }
    }

    private static Path jarOf(Class<?> type) throws URISyntaxException {
        Path jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(Files.isRegularFile(jar)).as(jar.toString()).isTrue();
        return jar;
    }
}
