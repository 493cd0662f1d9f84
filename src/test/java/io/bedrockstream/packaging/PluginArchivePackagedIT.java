package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.demo.ChildProcess;
import io.bedrockstream.demo.ConnectRest;
import io.bedrockstream.demo.DemoConnectorConfig;
import io.bedrockstream.demo.DemoRequest;
import io.bedrockstream.demo.HostClasspath;
import io.bedrockstream.demo.LocalKafkaConnect;
import io.bedrockstream.demo.ProjectLayout;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;
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
 * The plugin archive as a user installs it: a real KRaft broker and a real distributed Connect worker in child
 * JVMs, the worker loading the connector only through plugin.path = target/plugin (the unpacked zip), and the
 * Bedrock emulator started from the archive's lib/. Runs in failsafe after {@code package}.
 */
class PluginArchivePackagedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(60);
    private static final String CONNECTOR = "bedrock-packaged-it";

    private static ProjectLayout project;
    private static LocalKafkaConnect local;
    private static ConnectRest rest;
    private static URI emulator;

    @BeforeAll
    static void startProcesses() throws Exception {
        project = ProjectLayout.locate();
        local = LocalKafkaConnect.create(project, "packaged-it-" + System.currentTimeMillis(), System.out);
        local.launchEmulator(List.of("--seed", "7", "--words", "12", "--per-chunk", "3"));
        local.startBroker(Duration.ofSeconds(60));
        rest = new ConnectRest(local.startWorker(Duration.ofSeconds(90)));
        emulator = local.awaitEmulator(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopProcesses() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void workerListsTheConnectorWithTheBuildsVersion() throws Exception {
        String version = project.pluginVersion();
        assertThat(version).isNotBlank().doesNotContain("${");

        List<JsonNode> ours = rest.connectorPlugins().stream()
                .filter(p -> LocalKafkaConnect.CONNECTOR_CLASS.equals(p.path("class").asText()))
                .toList();

        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).path("type").asText()).isEqualTo("sink");
        assertThat(ours.get(0).path("version").asText()).isEqualTo(version);
    }

    @Test
    void zipHoldsExactlyTheTreeTheWorkerLoadedWithoutWorkerProvidedJars() throws IOException {
        Map<String, Long> zipped = new TreeMap<>();
        try (ZipFile zip = new ZipFile(project.pluginArchive().toFile())) {
            zip.stream().filter(e -> !e.isDirectory()).forEach(e -> zipped.put(e.getName(), e.getCrc()));
        }
        Map<String, Long> unpacked = new TreeMap<>();
        try (Stream<Path> files = Files.walk(project.pluginDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = ProjectLayout.PLUGIN_NAME + "/"
                        + project.pluginDir().relativize(file).toString().replace('\\', '/');
                CRC32 crc = new CRC32();
                crc.update(Files.readAllBytes(file));
                unpacked.put(name, crc.getValue());
            }
        }

        assertThat(zipped).isEqualTo(unpacked);
        String lib = ProjectLayout.PLUGIN_NAME + "/lib/";
        assertThat(zipped.keySet())
                .contains(ProjectLayout.PLUGIN_NAME + "/manifest.json",
                        lib + ProjectLayout.PLUGIN_NAME + "-" + project.pluginVersion() + ".jar")
                .anyMatch(name -> name.startsWith(lib + "bedrockruntime-"))
                // the worker provides these; a second copy inside a plugin causes class-loading conflicts
                .noneMatch(name -> name.startsWith(lib + "kafka-clients-") || name.startsWith(lib + "connect-api-")
                        || name.startsWith(lib + "connect-runtime-") || name.startsWith(lib + "slf4j-"));
    }

    @Test
    void workerClasspathHoldsNeitherTheProjectNorTheLibrariesThePluginBundles() {
        Path projectTarget = project.target();
        HostClasspath.Filtered classpath = local.workerClasspath();

        // this JVM (failsafe) has the project's test classes and its main code (target/classes, or the jar that
        // failsafe prefers once it is packaged); the filter must have taken both out
        assertThat(classpath.removed()).contains(projectTarget.resolve("test-classes"));
        assertThat(classpath.removed()).anyMatch(p -> p.equals(projectTarget.resolve("classes"))
                || p.startsWith(projectTarget) && p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME));
        assertThat(classpath.kept())
                .noneMatch(p -> p.startsWith(projectTarget))
                .noneMatch(p -> p.getFileName().toString().startsWith(ProjectLayout.PLUGIN_NAME))
                .noneMatch(p -> p.toString().replace('\\', '/').contains("/software/amazon/awssdk/"));

        // and the command line the worker was really started with agrees
        ChildProcess worker = local.processes().stream()
                .filter(p -> p.name().equals("connect-worker")).findFirst().orElseThrow();
        String workerClasspath = worker.command().get(worker.command().indexOf("-cp") + 1);
        assertThat(workerClasspath.split(File.pathSeparator))
                .isNotEmpty()
                .noneMatch(entry -> Path.of(entry).toAbsolutePath().normalize().startsWith(projectTarget));

        // so the worker can only have found the connector in the plugin directory, as its log says
        assertThat(worker.log()).content().contains("Loading plugin from: " + project.pluginDir());
    }

    @Test
    void oneRequestStreamsItsChunksThenOneCompleteRecord() throws Exception {
        String suffix = "-it";
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
            producer.send(new ProducerRecord<>(requests, "it-1", "Say hello to the packaged plugin.")).get();
        }

        List<JsonNode> output = readUntil(chunks, RECORD_TIMEOUT,
                values -> values.stream().anyMatch(v -> v.path("event").asText().equals("complete")));
        List<JsonNode> completionRecords = readUntil(completions, RECORD_TIMEOUT, values -> !values.isEmpty());

        assertThat(output).allSatisfy(v -> {
            assertThat(v.path("request_id").asText()).isEqualTo("it-1");
            assertThat(v.path("attempt").asInt()).isEqualTo(1);
            assertThat(v.path("model_id").asText()).isEqualTo(DemoRequest.DEFAULT_EMULATED_MODEL);
            assertThat(v.path("source_topic").asText()).isEqualTo(requests);
        });
        assertThat(output.stream().map(v -> v.path("invocation_id").asText()).distinct()).hasSize(1);
        int chunkCount = output.size() - 1;
        assertThat(chunkCount).isPositive();
        List<String> events = output.stream().map(v -> v.path("event").asText()).toList();
        List<String> expectedEvents = new ArrayList<>(Collections.nCopies(chunkCount, "chunk"));
        expectedEvents.add("complete");
        assertThat(events).containsExactlyElementsOf(expectedEvents);
        assertThat(output.stream().map(v -> v.path("seq").asLong()).toList())
                .containsExactlyElementsOf(LongStream.rangeClosed(0, chunkCount).boxed().toList());

        String streamedText = output.subList(0, chunkCount).stream()
                .map(v -> v.path("text").isTextual() ? v.path("text").asText() : "")
                .collect(Collectors.joining());
        assertThat(streamedText).isNotBlank();
        assertThat(completionRecords).hasSize(1);
        assertThat(completionRecords.get(0).path("request_id").asText()).isEqualTo("it-1");
        assertThat(completionRecords.get(0).path("text").asText()).isEqualTo(streamedText);
        assertThat(readAll(dlq)).isEmpty();
    }

    private static List<JsonNode> readUntil(String topic, Duration timeout,
                                            Predicate<List<JsonNode>> done) throws IOException, InterruptedException {
        List<JsonNode> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            long nextStatusCheck = System.nanoTime();
            while (!done.test(values)) {
                if (System.nanoTime() >= nextStatusCheck) {
                    // a FAILED task will write nothing more: say why now rather than at the timeout
                    assertThat(rest.failure(CONNECTOR)).isEmpty();
                    nextStatusCheck = System.nanoTime() + 1_000_000_000L;
                }
                assertThat(System.nanoTime())
                        .as("records on %s within %s s; so far: %s; worker log: %s", topic, timeout.toSeconds(),
                                values, local.runDir().resolve("connect-worker.log"))
                        .isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    assertThat(record.key()).isEqualTo("it-1");
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
