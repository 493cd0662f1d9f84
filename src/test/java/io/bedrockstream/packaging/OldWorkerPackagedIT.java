package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.demo.ConnectRest;
import io.bedrockstream.demo.DemoConnectorConfig;
import io.bedrockstream.demo.DemoRequest;
import io.bedrockstream.demo.LocalKafkaConnect;
import io.bedrockstream.demo.ProjectLayout;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KAFKA_JAR = Pattern.compile(
            "(kafka-clients|connect-[a-z-]+?)-(\\d+\\.\\d+\\.\\d+[^/]*)\\.jar");
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONNECTOR = "bedrock-old-worker-it";
    private static final String REQUEST_ID = "old-1";

    private static ProjectLayout project;
    private static LocalKafkaConnect local;
    private static List<Path> workerClasspath;
    private static OldWorkerProcess worker;
    private static ConnectRest rest;
    private static URI emulator;

    @BeforeAll
    static void startProcesses() throws Exception {
        project = ProjectLayout.locate();
        local = LocalKafkaConnect.create(project, "old-worker-it-" + System.currentTimeMillis(), System.out);
        Path classpathFile = project.target().resolve("kafka-3.7.classpath");
        Path mavenLog = local.runDir().resolve("kafka-3.7-classpath.log");
        // Maven resolves the 3.7 jars while the broker starts
        Process maven = OldWorkerProcess.resolveClasspath(project,
                project.baseDir().resolve("compat").resolve("kafka-3.7").resolve("pom.xml"), classpathFile, mavenLog);
        local.launchEmulator(List.of("--seed", "11", "--words", "12", "--per-chunk", "3"));
        local.startBroker(Duration.ofSeconds(60));
        workerClasspath = OldWorkerProcess.awaitClasspath(maven, classpathFile, mavenLog, Duration.ofMinutes(5));
        worker = OldWorkerProcess.start(project, local.runDir(), workerClasspath, local.bootstrapServers(),
                Duration.ofSeconds(90));
        rest = new ConnectRest(worker.url());
        emulator = local.awaitEmulator(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopProcesses() {
        // the worker first, so it can still reach the broker while it leaves its group
        if (worker != null) {
            worker.close();
        }
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
        assertThat(kafkaJars).contains("connect-runtime " + version, "connect-api " + version,
                "connect-json " + version, "kafka-clients " + version);
        assertThat(kafkaJars).allSatisfy(jar -> assertThat(jar).endsWith(" " + version));
        assertThat(workerClasspath)
                .noneMatch(p -> p.toAbsolutePath().normalize().startsWith(project.target()))
                .noneMatch(p -> p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME))
                .noneMatch(p -> p.toString().replace('\\', '/').contains("/software/amazon/awssdk/"));
    }

    @Test
    void workerLoadsTheConnectorFromThePluginPath() throws Exception {
        List<JsonNode> ours = rest.connectorPlugins().stream()
                .filter(p -> LocalKafkaConnect.CONNECTOR_CLASS.equals(p.path("class").asText()))
                .toList();

        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).path("type").asText()).isEqualTo("sink");
        assertThat(ours.get(0).path("version").asText()).isEqualTo(project.pluginVersion());
        assertThat(worker.log()).content().contains("Loading plugin from: " + project.pluginDir());
    }

    @Test
    void oneRequestStreamsItsChunksThenOneCompleteRecord() throws Exception {
        String suffix = "-old-worker";
        String requests = DemoConnectorConfig.REQUESTS_TOPIC + suffix;
        String chunks = DemoConnectorConfig.CHUNKS_TOPIC + suffix;
        String completions = DemoConnectorConfig.COMPLETIONS_TOPIC + suffix;
        String dlq = DemoConnectorConfig.DLQ_TOPIC + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(requests, 1, (short) 1), new NewTopic(chunks, 1, (short) 1),
                    new NewTopic(completions, 1, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get();
        }
        Map<String, String> config = DemoConnectorConfig.forEmulator(emulator, local.bootstrapServers());
        config.put("topics", requests);
        config.put("output.topic", chunks);
        config.put("output.completions.topic", completions);
        config.put("errors.deadletterqueue.topic.name", dlq);
        rest.putConnectorConfig(CONNECTOR, config, Duration.ofSeconds(30));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>(requests, REQUEST_ID, "Say hello to a Kafka 3.7 worker.")).get();
        }

        List<JsonNode> output = readUntil(chunks, RECORD_TIMEOUT,
                values -> values.stream().anyMatch(v -> v.path("event").asText().equals("complete")));
        List<JsonNode> completionRecords = readUntil(completions, RECORD_TIMEOUT, values -> !values.isEmpty());

        assertThat(output).allSatisfy(v -> {
            assertThat(v.path("request_id").asText()).isEqualTo(REQUEST_ID);
            assertThat(v.path("attempt").asInt()).isEqualTo(1);
            assertThat(v.path("model_id").asText()).isEqualTo(DemoRequest.DEFAULT_EMULATED_MODEL);
            // SinkRecord.originalTopic() (Kafka 3.6+) is what fills this on the worker
            assertThat(v.path("source_topic").asText()).isEqualTo(requests);
        });
        assertThat(output.stream().map(v -> v.path("invocation_id").asText()).distinct()).hasSize(1);
        int chunkCount = output.size() - 1;
        assertThat(chunkCount).isPositive();
        List<String> expectedEvents = new ArrayList<>(Collections.nCopies(chunkCount, "chunk"));
        expectedEvents.add("complete");
        assertThat(output.stream().map(v -> v.path("event").asText()).toList())
                .containsExactlyElementsOf(expectedEvents);
        assertThat(output.stream().map(v -> v.path("seq").asLong()).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(0, chunkCount).boxed().toList());

        String streamedText = output.subList(0, chunkCount).stream()
                .map(v -> v.path("text").isTextual() ? v.path("text").asText() : "")
                .collect(Collectors.joining());
        assertThat(streamedText).isNotBlank();
        assertThat(completionRecords).hasSize(1);
        assertThat(completionRecords.get(0).path("request_id").asText()).isEqualTo(REQUEST_ID);
        assertThat(completionRecords.get(0).path("text").asText()).isEqualTo(streamedText);
        assertThat(readAll(dlq)).isEmpty();

        JsonNode status = rest.get("/connectors/" + CONNECTOR + "/status").body();
        assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
        assertThat(status.path("tasks")).hasSize(1);
        assertThat(status.path("tasks").get(0).path("state").asText()).isEqualTo("RUNNING");
    }

    private static List<JsonNode> readUntil(String topic, Duration timeout,
                                            java.util.function.Predicate<List<JsonNode>> done)
            throws IOException, InterruptedException {
        List<JsonNode> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            long nextStatusCheck = System.nanoTime();
            while (!done.test(values)) {
                if (System.nanoTime() >= nextStatusCheck) {
                    // a FAILED task (e.g. a NoSuchMethodError on an API 3.7 lacks) writes nothing more: say why now
                    assertThat(rest.failure(CONNECTOR)).isEmpty();
                    nextStatusCheck = System.nanoTime() + 1_000_000_000L;
                }
                assertThat(System.nanoTime())
                        .as("records on %s within %s s; so far: %s; worker log: %s", topic, timeout.toSeconds(),
                                values, worker.log())
                        .isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    assertThat(record.key()).isEqualTo(REQUEST_ID);
                    values.add(JSON.readTree(record.value()));
                }
            }
        }
        return values;
    }

    private static List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private static Properties consumerProps() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private static Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }
}
