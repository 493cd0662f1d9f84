package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.testkit.ChildProcess;
import io.bedrockstream.testkit.ConnectRest;
import io.bedrockstream.testkit.LocalKafkaConnect;
import io.bedrockstream.testkit.ProjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's promise that the plugin, built against Kafka 4.x, runs on Connect workers back to 3.7 (the
 * runtime MSK Connect offers): a real Kafka 3.7 distributed worker in a child JVM, its jars resolved from Maven
 * Central through compat/kafka-3.7/pom.xml, loads the packaged plugin from plugin.path = target/plugin and
 * streams one request through the Bedrock emulator. The broker is the build's own (4.x) one: a 3.7 worker
 * talks to it like to any broker that still speaks its protocol versions.
 */
class OldWorkerPackagedIT {

    private static final Pattern KAFKA_JAR =
            Pattern.compile("(kafka-clients|connect-[a-z-]+?)-(\\d+\\.\\d+\\.\\d+[^/]*)\\.jar");
    private static final String CONNECTOR = "bedrock-old-worker-it";

    private static ProjectLayout project;
    private static LocalKafkaConnect local;
    private static List<Path> workerClasspath;
    private static ChildProcess worker;
    private static ConnectRest rest;
    private static PackagedPluginChecks checks;

    @BeforeAll
    static void startProcesses() throws Exception {
        project = ProjectLayout.locate();
        local = LocalKafkaConnect.create(project, "old-worker-it-" + System.currentTimeMillis(), System.out);
        Path classpathFile = project.target().resolve("kafka-3.7.classpath");
        Path mavenLog = local.runDir().resolve("kafka-3.7-classpath.log");
        // Maven resolves the 3.7 jars while the broker starts
        ChildProcess maven = OldWorkerProcess.resolveClasspath(
                project,
                project.baseDir().resolve("compat").resolve("kafka-3.7").resolve("pom.xml"),
                classpathFile,
                mavenLog);
        local.launchEmulator(List.of("--seed", "11", "--words", "12", "--per-chunk", "3"));
        local.startBroker(Duration.ofSeconds(60));
        workerClasspath = OldWorkerProcess.awaitClasspath(maven, classpathFile, Duration.ofMinutes(5));
        rest = new ConnectRest(OldWorkerProcess.start(local, workerClasspath, Duration.ofSeconds(90)));
        worker = local.process(OldWorkerProcess.NAME);
        local.awaitEmulator(Duration.ofSeconds(30));
        checks = new PackagedPluginChecks(local, CONNECTOR, worker.log());
    }

    @AfterAll
    static void stopProcesses() {
        // newest first: the worker can still reach the broker while it leaves its group
        if (local != null) {
            local.close();
        }
    }

    @Test
    void workerIsKafka37RunningOnlyKafka37Jars() throws Exception {
        ConnectRest.Response root = rest.get("/");
        assertThat(root.ok()).isTrue();
        String version = root.body().path("version").asText();
        assertThat(version).matches("3\\.7\\.\\d+");

        // every Kafka jar the worker was given is that release; nothing of the project or of this 4.x JVM
        List<String> kafkaJars = new ArrayList<>();
        for (Path entry : workerClasspath) {
            Matcher jar = KAFKA_JAR.matcher(entry.getFileName().toString());
            if (jar.matches()) {
                kafkaJars.add(jar.group(1) + " " + jar.group(2));
            }
        }
        assertThat(kafkaJars)
                .contains(
                        "connect-runtime " + version,
                        "connect-api " + version,
                        "connect-json " + version,
                        "kafka-clients " + version);
        assertThat(kafkaJars).allSatisfy(jar -> assertThat(jar).endsWith(" " + version));
        assertThat(workerClasspath)
                .noneMatch(p -> p.toAbsolutePath().normalize().startsWith(project.target()))
                .noneMatch(p -> p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME))
                .noneMatch(p -> p.toString().replace('\\', '/').contains("/software/amazon/awssdk/"));
    }

    @Test
    void workerLoadsTheConnectorFromThePluginPath() throws Exception {
        checks.assertListsTheConnector(project.pluginVersion());
        assertThat(worker.log()).content().contains("Loading plugin from: " + project.pluginDir());
    }

    @Test
    void oneRequestStreamsItsChunksThenOneCompleteRecord() throws Exception {
        checks.assertOneRequestStreamsItsChunksThenOneCompleteRecord(
                "-old-worker", "old-1", "Say hello to a Kafka 3.7 worker.");

        JsonNode status = rest.get("/connectors/" + CONNECTOR + "/status").body();
        assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("tasks")).hasSize(1);
        assertThat(status.path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
    }
}
