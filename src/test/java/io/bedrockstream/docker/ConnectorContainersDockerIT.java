package io.bedrockstream.docker;

import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static io.bedrockstream.connect.EmbeddedConnectHarness.assertInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.byInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.header;
import static io.bedrockstream.connect.EmbeddedConnectHarness.json;
import static io.bedrockstream.connect.EmbeddedConnectHarness.key;
import static io.bedrockstream.connect.EmbeddedConnectHarness.recordsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.testkit.ConnectRest;
import io.bedrockstream.testkit.ProjectLayout;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The packaged plugin in containers, as docker-compose runs it: a broker ({@link KafkaContainer} on the pinned
 * apache/kafka image), a Connect worker from the same image started with connect-distributed.sh, the compose
 * worker config and the built plugin directory (target/plugin/kafka-connect-bedrock-stream, from `mvn package`)
 * copied onto its plugin.path, and the Bedrock emulator run from the plugin's lib/ in a third container, as
 * the compose file runs it. The connector config starts from config/bedrock-sink-demo.json, the one compose
 * registers. One request per model family streams end to end (sequenced chunks, then one complete terminal);
 * a request throttled twice is retried and completes; a request for a model the connector does not allow is
 * dead-lettered with its reason while the requests after it are served.
 *
 * <p>Docker tier (tag "docker", `mvn -B -ntp -Pdocker verify`): it needs a Docker engine, which the project's
 * build machine does not have, so it was compiled there but never run. It adds no check of its own: the same
 * requests and assertions run without Docker in BedrockSinkConnectorIT (in-JVM broker and worker, same EmbeddedConnectHarness
 * checks), and the archive loaded through plugin.path by separate worker processes in PluginArchivePackagedIT and
 * OldWorkerPackagedIT. What only this test exercises is the images: the apache/kafka image's Connect scripts, JVM
 * and classpath loading the plugin, the emulator on that image, and the compose worker config.
 */
@Tag("docker")
class ConnectorContainersDockerIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String ACCESS_KEY = "AKIADOCKERTIER000001";
    private static final String SECRET_KEY = "docker-tier-secret-not-a-real-key";
    /** The broker as the other containers reach it; KafkaContainer's own 9092 is the listener mapped to the host. */
    private static final String KAFKA_IN_NETWORK = "kafka:19092";

    private static final String CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";
    /** The compose file's emulator command, with the answer length the in-JVM ITs use. */
    private static final String EMULATOR_COMMAND = "exec java -cp \"/app/lib/*\""
            + " io.bedrockstream.emulator.BedrockEmulator --host 0.0.0.0 --port 8089"
            + " --words 12 --per-chunk 2";

    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> emulator;
    private static GenericContainer<?> connect;
    private static ContainerKafka clients;
    private static ConnectRest rest;
    private static EmulatorAdmin emulatorAdmin;
    private static Map<String, String> composeConnectorConfig;

    @BeforeAll
    static void startContainers() throws Exception {
        ProjectLayout project = ProjectLayout.locate();
        project.requirePackagedPlugin();
        ProjectFiles files = new ProjectFiles(project.baseDir());
        composeConnectorConfig = files.composeConnectorConfig();
        String workerConfig = files.composeWorkerConfig();
        assertThat(workerConfig).contains("bootstrap.servers=kafka:9092\n");
        workerConfig =
                workerConfig.replace("bootstrap.servers=kafka:9092\n", "bootstrap.servers=" + KAFKA_IN_NETWORK + "\n");

        network = Network.newNetwork();
        DockerImageName kafkaImage = DockerImageName.parse(DockerImages.KAFKA);
        kafka = new KafkaContainer(kafkaImage).withNetwork(network).withListener(KAFKA_IN_NETWORK);
        emulator = new GenericContainer<>(kafkaImage)
                .withNetwork(network)
                .withNetworkAliases("emulator")
                .withCopyFileToContainer(MountableFile.forHostPath(project.emulatorJar()), "/app/lib/emulator.jar")
                .withEnv("EMULATOR_ACCESS_KEY_ID", ACCESS_KEY)
                .withEnv("EMULATOR_SECRET_ACCESS_KEY", SECRET_KEY)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("/bin/sh", "-c", EMULATOR_COMMAND))
                .withExposedPorts(8089)
                .waitingFor(Wait.forHttp("/_emulator/settings")
                        .forPort(8089)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(2)));
        connect = new GenericContainer<>(kafkaImage)
                .withNetwork(network)
                .withNetworkAliases("connect")
                .withCopyFileToContainer(
                        MountableFile.forHostPath(project.pluginDir()),
                        "/opt/connect-plugins/" + ProjectLayout.PLUGIN_NAME)
                .withCopyToContainer(Transferable.of(workerConfig), "/etc/bedrock-demo/connect-distributed.properties")
                .withEnv("BEDROCK_ACCESS_KEY_ID", ACCESS_KEY)
                .withEnv("BEDROCK_SECRET_ACCESS_KEY", SECRET_KEY)
                .withEnv("KAFKA_HEAP_OPTS", "-Xms256m -Xmx1g")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(
                        "/opt/kafka/bin/connect-distributed.sh", "/etc/bedrock-demo/connect-distributed.properties"))
                .withExposedPorts(8083)
                // Connect's readiness endpoint (KIP-1017), as the compose health check uses it
                .waitingFor(Wait.forHttp("/health")
                        .forPort(8083)
                        .forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(3)));

        kafka.start();
        emulator.start();
        connect.start();
        clients = new ContainerKafka(kafka.getBootstrapServers());
        rest = new ConnectRest(URI.create("http://" + connect.getHost() + ":" + connect.getMappedPort(8083)));
        emulatorAdmin =
                new EmulatorAdmin(URI.create("http://" + emulator.getHost() + ":" + emulator.getMappedPort(8089)));
    }

    @AfterAll
    static void stopContainers() {
        for (AutoCloseable c : new AutoCloseable[] {connect, emulator, kafka, network}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + c + ": " + e);
                }
            }
        }
    }

    @Test
    void theWorkerLoadsTheSinkFromPluginPath() throws Exception {
        assertThat(rest.connectorPlugins()).anySatisfy(p -> {
            assertThat(p.path("class").asText()).isEqualTo("io.bedrockstream.connect.BedrockSinkConnector");
            assertThat(p.path("type").asText()).isEqualTo("sink");
        });
    }

    @Test
    void everyFamilyStreamsSequencedChunksThenOneCompleteTerminal() throws Exception {
        Map<String, String> models = new LinkedHashMap<>();
        models.put("d-claude", CLAUDE);
        models.put("d-nova", "amazon.nova-lite-v1:0");
        models.put("d-llama", "meta.llama3-1-8b-instruct-v1:0");
        models.put("d-mistral", "mistral.mistral-7b-instruct-v0:2");
        models.put("d-titan", "amazon.titan-text-express-v1");
        models.put("d-cohere", "cohere.command-r-v1:0");
        clients.createTopics(3, "fam-in", "fam-out", "fam-done");
        Map<String, String> config = connectorConfig("fam-in", "fam-out", "fam-dlq");
        config.put("output.completions.topic", "fam-done");
        config.put("request.model.allowed", String.join(",", models.values()));
        start("fam", config);

        for (Map.Entry<String, String> e : models.entrySet()) {
            clients.produce(
                    "fam-in",
                    e.getKey(),
                    "Tell me about \"streams\" {braces}\n[[emu id=" + e.getKey() + "]]",
                    Map.of("model", e.getValue()));
        }
        List<ConsumerRecord<byte[], byte[]>> out =
                clients.readUntil("fam-out", WAIT, rs -> allComplete(rs, models.keySet()), () -> status("fam"));

        for (Map.Entry<String, String> e : models.entrySet()) {
            String id = e.getKey();
            List<JsonNode> records = recordsOf(out, id);
            assertThat(byInvocation(records)).as("invocations of %s", id).hasSize(1);
            List<Attempt> attempts = emulatorAdmin.attempts(id);
            assertThat(attempts).extracting(Attempt::outcome).containsExactly("complete");
            assertThat(assertInvocation(records, "complete", 1))
                    .isEqualTo(attempts.get(0).text());
            assertThat(records).hasSize(attempts.get(0).chunks() + 1);
            JsonNode terminal = records.get(records.size() - 1);
            assertThat(terminal.path("model_id").asText()).isEqualTo(e.getValue());
            assertThat(terminal.path("source_topic").asText()).isEqualTo("fam-in");
            assertThat(terminal.path("output_tokens").asLong()).isEqualTo(12);
        }
        List<ConsumerRecord<byte[], byte[]>> done =
                clients.readUntil("fam-done", WAIT, rs -> rs.size() >= models.size(), () -> status("fam"));
        for (ConsumerRecord<byte[], byte[]> r : done) {
            assertThat(json(r).path("text").asText())
                    .isEqualTo(emulatorAdmin.attempts(key(r)).get(0).text());
        }
    }

    @Test
    void aThrottledRequestIsRetriedAndABadOneIsDeadLetteredWhileTheRestFlow() throws Exception {
        clients.createTopics(1, "thr-in", "thr-out");
        Map<String, String> config = connectorConfig("thr-in", "thr-out", "thr-dlq");
        config.put("request.model.allowed", CLAUDE);
        start("thr", config);

        clients.produce("thr-in", "t-ok", "hello [[emu id=t-ok throttle=2]]", Map.of());
        clients.produce("thr-in", "t-bad", "hello [[emu id=t-bad]]", Map.of("model", "cohere.command-r-v1:0"));
        clients.produce("thr-in", "t-after", "hello [[emu id=t-after]]", Map.of());

        List<ConsumerRecord<byte[], byte[]>> dlq =
                clients.readUntil("thr-dlq", WAIT, rs -> !rs.isEmpty(), () -> status("thr"));
        List<ConsumerRecord<byte[], byte[]>> out = clients.readUntil(
                "thr-out", WAIT, rs -> allComplete(rs, Set.of("t-ok", "t-after")), () -> status("thr"));

        assertThat(emulatorAdmin.attempts("t-ok"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "ThrottlingException", "complete");
        List<List<JsonNode>> invocations =
                new ArrayList<>(byInvocation(recordsOf(out, "t-ok")).values());
        assertThat(invocations).hasSize(3);
        for (int i = 0; i < 2; i++) {
            assertInvocation(invocations.get(i), "error", i + 1);
            assertThat(invocations.get(i)).hasSize(1);
            assertThat(invocations.get(i).get(0).path("error_type").asText()).isEqualTo("ThrottlingException");
            assertThat(invocations.get(i).get(0).path("retrying").asBoolean()).isTrue();
        }
        assertThat(assertInvocation(invocations.get(2), "complete", 3))
                .isEqualTo(emulatorAdmin.attempts("t-ok").get(2).text());

        assertThat(dlq).hasSize(1);
        ConsumerRecord<byte[], byte[]> dead = dlq.get(0);
        assertThat(key(dead)).isEqualTo("t-bad");
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("hello [[emu id=t-bad]]");
        assertThat(header(dead, "__connect.errors.topic")).isEqualTo("thr-in");
        assertThat(header(dead, "__connect.errors.exception.message"))
                .contains("'t-bad' is invalid", "MODEL_NOT_ALLOWED");
        assertThat(emulatorAdmin.attempts("t-bad"))
                .as("a refused request never reaches the model")
                .isEmpty();
        assertThat(recordsOf(out, "t-bad")).isEmpty();
        assertThat(emulatorAdmin.attempts("t-after"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
    }

    /** config/bedrock-sink-demo.json (what compose registers) on the given topics, with the model header. */
    private static Map<String, String> connectorConfig(String in, String out, String dlq) {
        Map<String, String> config = new LinkedHashMap<>(composeConnectorConfig);
        config.remove("name");
        config.put("topics", in);
        config.put("output.topic", out);
        config.remove("output.completions.topic");
        config.put("output.bootstrap.servers", KAFKA_IN_NETWORK);
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("header.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("request.model.override.header", "model");
        config.put("retry.backoff.ms", "50");
        config.put("retry.backoff.max.ms", "200");
        return config;
    }

    private static void start(String name, Map<String, String> config) throws Exception {
        rest.putConnectorConfig(name, config, Duration.ofSeconds(60));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            ConnectRest.Response status = rest.get("/connectors/" + name + "/status");
            assertThat(rest.failure(name)).as("connector %s", name).isEmpty();
            if (status.ok()
                    && "RUNNING"
                            .equals(status.body()
                                    .path("connector")
                                    .path("state")
                                    .asText())
                    && "RUNNING"
                            .equals(status.body()
                                    .path("tasks")
                                    .path(0)
                                    .path("state")
                                    .asText())) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("connector %s running; status: %s", name, status.body())
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The connector's status and the end of the worker's log, for a failure message. */
    private static String status(String name) {
        String log = connect.getLogs();
        String tail = log.length() > 4000 ? log.substring(log.length() - 4000) : log;
        try {
            return "status of " + name + ": "
                    + rest.get("/connectors/" + name + "/status").body() + "\nworker log (end):\n" + tail;
        } catch (Exception e) {
            return "status of " + name + " unavailable (" + e + ")\nworker log (end):\n" + tail;
        }
    }
}
