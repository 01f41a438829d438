package org.citytwin.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.citytwin.embedded.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * {@link StandaloneFlinkCluster} starts although another process took its first port between the
 * pick and the JobManager's bind (as a second test JVM can): the first attempt fails with the
 * JobManager's own reason, the second with fresh ports runs a job.
 */
class StandaloneFlinkClusterITCase {

    private static final long RECORDS = 1_000;

    @Test
    void aClusterWhoseRestPortIsTakenStartsAgainWithFreshPortsAndRunsAJob() throws Exception {
        Path jobJar = sequenceJobJar();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger picks = new AtomicInteger();
            List<Integer> picked = new ArrayList<>();
            // The first pick (the first attempt's REST port) is the taken one; later picks are free.
            try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.start(Path.of("target/twin.jar").toAbsolutePath(),
                    Path.of("../jvm.options").toAbsolutePath(), 1, 1, () -> {
                        int port = picks.getAndIncrement() == 0 ? taken.getLocalPort() : FreePorts.next();
                        picked.add(port);
                        return port;
                    })) {
                assertThat(picks.get()).as("ports picked: REST and RPC for two attempts").isEqualTo(4);
                assertThat(flink.failedStarts()).hasSize(1);
                assertThat(flink.failedStarts().get(0))
                        .startsWith("attempt 1 (REST port " + taken.getLocalPort() + ", RPC port " + picked.get(1) + "): "
                                + "the JobManager exited with code 1")
                        .contains("Could not start rest endpoint on any port in port range " + taken.getLocalPort());
                assertThat(flink.get("/jobmanager/config").findValuesAsText("value"))
                        .as("the cluster answering has the second attempt's RPC port")
                        .contains(String.valueOf(picked.get(3)));

                String job = flink.submit(jobJar, List.of(String.valueOf(RECORDS)));
                flink.awaitTrue(() -> {
                    String state = flink.jobState(job);
                    assertThat(state).as("job state").isNotIn("FAILED", "CANCELED");
                    return state.equals("FINISHED");
                }, "the job finished");
                JsonNode vertices = flink.get("/jobs/" + job).path("vertices");
                assertThat(vertices).hasSize(2);
                assertThat(vertices.get(1).path("metrics").path("read-records").asLong())
                        .as("records the sink read").isEqualTo(RECORDS);
            }
        } finally {
            Files.deleteIfExists(jobJar);
        }
    }

    /** A jar of {@link SequenceJob} alone, with it as the main class. */
    private static Path sequenceJobJar() throws Exception {
        Path jar = Files.createTempFile("twin-sequence-job-", ".jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SequenceJob.class.getName());
        String entry = SequenceJob.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream classFile = SequenceJob.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            classFile.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
