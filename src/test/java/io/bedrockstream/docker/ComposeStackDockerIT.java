package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.streams.AnswerRecord;
import io.bedrockstream.streams.AnswerRecordSerde;
import io.bedrockstream.testkit.ConnectRest;
import io.bedrockstream.testkit.ProjectLayout;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * docker-compose.yml brought up as a user runs it (local `docker compose`, Testcontainers' ComposeContainer):
 * every service waits for its health check, the connector connector-init registered from
 * config/bedrock-sink-demo.json runs, the statements of config/ksqldb go to ksqlDB's REST API one per request
 * (each answer checked), and a few requests produced to bedrock-requests come out whole in ksqlDB's
 * bedrock_answers table (pull queries) and in the Kafka Streams assembler's bedrock-answers topic, with the text
 * the emulator generated. ksqldb-init is left out: it runs the same statements the same way
 * (docker/ksqldb/run-statements.sh), and the two would race; the on-demand CLI is left out too.
 *
 * <p>The stack publishes fixed host ports (Kafka 29092, Connect 8083, emulator 8089, ksqlDB 8088) and Kafka
 * advertises localhost:29092, so this test needs a Docker engine on this host (not a remote DOCKER_HOST), with
 * those ports free, and the `docker compose` plugin.
 *
 * <p>Docker tier (tag "docker", `mvn -B -ntp -Pdocker verify`): compiled on the project's build machine, which
 * has no Docker, but never run there. Its checks that do not need Docker run there in other tests: the
 * connector path in BedrockSinkConnectorIT and the packaged ITs; the assembler on a real broker in
 * ChunkAssemblerIT; the ksqlDB statements' splitting and the set-up script against a fake ksqlDB
 * (KsqlStatementsTest, KsqlSetupScriptTest, KsqlRestTest); the compose file's structure, images, and
 * connector config (ComposeFileTest, DockerImagesTest, ConfigExamplesTest). What only this test can show is that
 * ksqlDB accepts the statements and assembles the answers, and that the images start and talk to each other.
 */
@Tag("docker")
class ComposeStackDockerIT {

    /** Every service but ksqldb-init (this test does its work) and the on-demand ksqldb-cli. */
    static final List<String> SERVICES =
            List.of("kafka", "topics-init", "emulator", "connect", "connector-init", "assembler", "ksqldb-server");

    private static final Duration STARTUP = Duration.ofMinutes(6);
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final String CONNECTOR = "bedrock-sink-demo";
    private static final String KAFKA = "localhost:29092";
    private static final URI CONNECT = URI.create("http://localhost:8083");
    private static final URI EMULATOR = URI.create("http://localhost:8089");
    private static final URI KSQLDB = URI.create("http://localhost:8088");

    private static ComposeContainer compose;

    @BeforeAll
    static void up() {
        ProjectLayout project = ProjectLayout.locate();
        project.requirePackagedPlugin(); // compose's target/ mounts fail without it
        compose = new ComposeContainer(
                        project.baseDir().resolve("docker-compose.yml").toFile())
                .withServices(SERVICES.toArray(String[]::new))
                .withBuild(true)
                .withStartupTimeout(STARTUP);
        for (String service : List.of("emulator", "connect", "assembler", "ksqldb-server")) {
            compose.waitingFor(service, Wait.forHealthcheck().withStartupTimeout(STARTUP));
        }
        compose.start();
    }

    @AfterAll
    static void down() {
        if (compose != null) {
            try {
                compose.stop();
            } catch (RuntimeException e) {
                System.err.println("docker compose down failed: " + e); // keep the test's own failure visible
            }
        }
    }

    @Test
    void requestsComeOutWholeInKsqlDbsAnswersTableAndFromTheAssembler() throws Exception {
        awaitConnectorRunning(new ConnectRest(CONNECT));

        KsqlRest ksql = new KsqlRest(KSQLDB);
        for (KsqlStatements.Statement statement : ProjectFiles.locate().ksqlStatements()) {
            ksql.execute(statement);
        }
        assertThat(ksql.names("LIST STREAMS;")).contains("BEDROCK_CHUNKS", "BEDROCK_COMPLETIONS");
        assertThat(ksql.names("LIST TABLES;")).contains("BEDROCK_ANSWERS");

        Map<String, String> prompts = new LinkedHashMap<>();
        prompts.put("cs-1", "What does a sink connector do? [[emu id=cs-1]]");
        prompts.put("cs-2", "Why retry with jitter? [[emu id=cs-2 throttle=1]]");
        prompts.put("cs-3", "A haiku about \"topics\" {and braces} [[emu id=cs-3]]");
        ContainerKafka kafka = new ContainerKafka(KAFKA);
        for (Map.Entry<String, String> p : prompts.entrySet()) {
            kafka.produce("bedrock-requests", p.getKey(), p.getValue(), Map.of());
        }

        EmulatorAdmin emulator = new EmulatorAdmin(EMULATOR);
        Map<String, String> expected = new HashMap<>();
        for (String id : prompts.keySet()) {
            JsonNode answer = awaitAnswer(ksql, id);
            List<Attempt> attempts = emulator.attempts(id);
            assertThat(attempts.get(attempts.size() - 1).outcome()).isEqualTo("complete");
            expected.put(id, attempts.get(attempts.size() - 1).text());
            assertThat(KsqlRest.field(answer, "text").asText())
                    .as("ksqlDB's answer to %s", id)
                    .isEqualTo(expected.get(id));
            assertThat(KsqlRest.field(answer, "attempts").asInt())
                    .as("attempts of %s", id)
                    .isEqualTo(attempts.size());
        }
        assertThat(emulator.attempts("cs-2"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "complete");

        Map<String, AnswerRecord> assembled = new HashMap<>();
        try (Deserializer<AnswerRecord> answers = new AnswerRecordSerde().deserializer()) {
            List<ConsumerRecord<byte[], byte[]>> records = kafka.readUntil(
                    "bedrock-answers",
                    WAIT,
                    rs -> {
                        for (ConsumerRecord<byte[], byte[]> r : rs) {
                            AnswerRecord answer = answers.deserialize(r.topic(), r.value());
                            if (answer != null) {
                                assembled.put(new String(r.key(), StandardCharsets.UTF_8), answer);
                            }
                        }
                        return assembled.keySet().containsAll(prompts.keySet());
                    },
                    () -> "the assembler's answers so far: " + assembled.keySet());
            assertThat(records).isNotEmpty();
        }
        for (String id : prompts.keySet()) {
            assertThat(assembled.get(id).text())
                    .as("the assembler's answer to %s", id)
                    .isEqualTo(expected.get(id));
        }
    }

    private static void awaitConnectorRunning(ConnectRest connect) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ConnectRest.Response status;
        do {
            status = connect.get("/connectors/" + CONNECTOR + "/status");
            assertThat(connect.failure(CONNECTOR)).isEmpty();
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
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("connector-init's connector " + CONNECTOR + " is not running: " + status.body());
    }

    /**
     * The answer struct of one request id in bedrock_answers, once ksqlDB has it (a pull query by key; refused
     * while the table's query is still starting).
     */
    private static JsonNode awaitAnswer(KsqlRest ksql, String id) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "no row yet";
        do {
            try {
                List<JsonNode> rows = ksql.pullQuery("SELECT * FROM bedrock_answers WHERE request_id = '" + id + "';");
                if (!rows.isEmpty()) {
                    assertThat(rows).hasSize(1);
                    assertThat(rows.get(0).get(0).asText()).isEqualTo(id);
                    return rows.get(0).get(1);
                }
            } catch (IllegalStateException notReady) {
                last = notReady.getMessage();
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(
                "no row for " + id + " in bedrock_answers after " + WAIT.toSeconds() + " s; last: " + last);
    }
}
