package org.citytwin.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.citytwin.jobs.cli.TwinCli;
import org.citytwin.jobs.config.TwinConfig;
import org.citytwin.jobs.config.TwinOptions;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of {@code deploy/} without a Docker engine or a Kubernetes cluster: the files
 * parse, the job's configuration is valid, environment variable names match the job's options and the
 * Grafana provisioning, mounted paths exist in the repository, images are pinned.
 */
class DeployFilesTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = REPO.resolve("deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The job jar is a build output (`mvn -pl jobs -am package`), the shade plugin's finalName. */
    private static final String JOB_JAR = "../jobs/target/twin.jar";

    private static JsonNode yaml(Path p) throws Exception {
        return YAML.readTree(p.toFile());
    }

    @Test
    void theJobConfigurationIsValidAndTakesItsTokenFromTheComposeEnvironment() throws Exception {
        Configuration config = TwinConfig.load(DEPLOY.resolve("twin/twin.yaml"), List.of());
        String tokenVariable = config.get(TwinOptions.INFLUXDB_TOKEN_ENV);

        assertThat(config.get(TwinOptions.INFLUXDB_API)).isEqualTo("v2");
        assertThat(tokenVariable).isEqualTo("INFLUXDB_TOKEN");
        JsonNode services = yaml(DEPLOY.resolve("docker-compose.yml")).path("services");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(services.path(flink).path("environment").has(tokenVariable)).as(flink).isTrue();
        }
        JsonNode env = yaml(DEPLOY.resolve("kubernetes/flink-deployment.yaml"))
                .path("spec").path("podTemplate").path("spec").path("containers").get(0).path("env");
        assertThat(env.get(0).path("name").asText()).isEqualTo(tokenVariable);
    }

    /**
     * Compose checks {@code ${VAR:?}} in every service before it applies profiles: a required
     * variable of a profile's service would stop the default stack from starting.
     */
    @Test
    void onlyServicesOfTheDefaultStackRequireVariables() throws Exception {
        JsonNode services = yaml(DEPLOY.resolve("docker-compose.yml")).path("services");
        java.util.regex.Pattern required = java.util.regex.Pattern.compile("\\$\\{(\\w+):?\\?");
        List<String> inProfiles = new java.util.ArrayList<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().has("profiles")) {
                java.util.regex.Matcher m = required.matcher(service.getValue().toString());
                while (m.find()) {
                    inProfiles.add(service.getKey() + ": " + m.group(1));
                }
            }
        });
        assertThat(inProfiles).as("required variables in services of a profile").isEmpty();
    }

    @Test
    void grafanaServicesSetExactlyTheVariablesTheDatasourceReads() throws Exception {
        String datasource = Files.readString(REPO.resolve("grafana/provisioning/datasources/influxdb.yaml"));
        yaml(REPO.resolve("grafana/provisioning/datasources/influxdb.yaml")); // parses
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(datasource.replaceAll("(?m)^\\s*#.*$", ""));
        while (m.find()) {
            read.add(m.group(1));
        }
        assertThat(read).containsExactly("INFLUXDB_DATABASE", "INFLUXDB_PASSWORD", "INFLUXDB_TOKEN", "INFLUXDB_URL",
                "INFLUXDB_USER");
        JsonNode services = yaml(DEPLOY.resolve("docker-compose.yml")).path("services");
        for (String grafana : List.of("grafana", "grafana-demo")) {
            Set<String> set = new TreeSet<>();
            services.path(grafana).path("environment").fieldNames().forEachRemaining(n -> {
                if (!n.startsWith("GF_")) {
                    set.add(n);
                }
            });
            assertThat(set).as(grafana).isEqualTo(read);
        }
    }

    @Test
    void everyMountedPathExistsInTheRepository() throws Exception {
        JsonNode services = yaml(DEPLOY.resolve("docker-compose.yml")).path("services");
        List<String> mounts = new ArrayList<>();
        services.forEach(s -> s.path("volumes").forEach(v -> mounts.add(v.asText().split(":")[0])));
        List<String> hostPaths = mounts.stream().filter(p -> p.startsWith(".")).toList();

        assertThat(hostPaths).contains(JOB_JAR, "../grafana/provisioning", "../grafana/dashboards",
                "../grafana/gazetteer/city-districts.json", "./influxdb/create-dbrp.sh", "./alertmanager/alertmanager.yml",
                "./twin/twin.yaml");
        for (String p : hostPaths) {
            if (!p.equals(JOB_JAR)) {
                assertThat(DEPLOY.resolve(p).normalize()).as(p).exists();
            }
        }
        assertThat(Files.readString(REPO.resolve("jobs/pom.xml"))).contains("<finalName>twin</finalName>");
    }

    @Test
    void everyImageIsPinnedAndTheJobEntryPointIsTheCli() throws Exception {
        JsonNode compose = yaml(DEPLOY.resolve("docker-compose.yml"));
        compose.path("services").forEach(s -> assertThat(s.path("image").asText()).matches("[a-z0-9./-]+:[0-9v][\\w.-]*"));
        List<String> command = new ArrayList<>();
        compose.path("services").path("jobmanager").path("command").forEach(c -> command.add(c.asText()));
        assertThat(command).containsExactly("standalone-job", "--job-classname", TwinCli.class.getName(), "run",
                "--config", "/etc/twin/twin.yaml");
        JsonNode job = yaml(DEPLOY.resolve("kubernetes/flink-deployment.yaml")).path("spec").path("job");
        assertThat(job.path("entryClass").asText()).isEqualTo(TwinCli.class.getName());
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/twin.jar");
        assertThat(job.path("args").get(0).asText()).isEqualTo("run");
        assertThat(yaml(DEPLOY.resolve("alertmanager/alertmanager.yml")).path("route").path("receiver").asText())
                .isEqualTo("log-only");
    }
}
