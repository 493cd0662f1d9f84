package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.testkit.ConnectRest;
import io.bedrockstream.testkit.LocalKafkaConnect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
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

/**
 * What the packaged-plugin ITs check alike on a worker that loaded the plugin from plugin.path (whatever Kafka
 * release it runs): that it lists the connector, and that one request streams end to end through the emulator.
 */
final class PackagedPluginChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(60);

    private final LocalKafkaConnect local;
    private final ConnectRest rest;
    private final String connector;
    private final Path workerLog;

    /**
     * @param local     with the broker, the emulator and the worker started
     * @param connector the name the end-to-end check creates the connector under
     * @param workerLog quoted when records do not arrive
     */
    PackagedPluginChecks(LocalKafkaConnect local, String connector, Path workerLog) {
        this.local = local;
        this.rest = local.connectRest();
        this.connector = connector;
        this.workerLog = workerLog;
    }

    /** The worker lists the connector exactly once, as a sink of {@code version}. */
    void assertListsTheConnector(String version) throws IOException, InterruptedException {
        List<JsonNode> ours = rest.connectorPlugins().stream()
                .filter(p ->
                        LocalKafkaConnect.CONNECTOR_CLASS.equals(p.path("class").asText()))
                .toList();

        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).path("type").asText()).isEqualTo("sink");
        assertThat(ours.get(0).path("version").asText()).isEqualTo(version);
    }

    /**
     * Creates the demo's topics with {@code topicSuffix}, runs the connector on them, produces one request and
     * asserts its chunks in order, then exactly one complete terminal and one completion record holding the
     * streamed text, and an empty DLQ.
     */
    void assertOneRequestStreamsItsChunksThenOneCompleteRecord(String topicSuffix, String requestId, String prompt)
            throws Exception {
        assertOneRequestStreamsItsChunksThenOneCompleteRecord(topicSuffix, requestId, prompt, config -> {});
    }

    /** The same with the connector config changed by {@code configure} (e.g. its credentials). */
    void assertOneRequestStreamsItsChunksThenOneCompleteRecord(
            String topicSuffix, String requestId, String prompt, Consumer<Map<String, String>> configure)
            throws Exception {
        PackagedSinkConfig topics = PackagedSinkConfig.topics(topicSuffix);
        String requests = topics.requests();
        String chunks = topics.chunks();
        String completions = topics.completions();
        String dlq = topics.deadLetters();
        startConnectorAndSend(topicSuffix, requestId, prompt, configure);

        List<JsonNode> output = readUntil(
                chunks,
                requestId,
                values -> values.stream().anyMatch(v -> v.path("event").asText().equals("complete")));
        List<JsonNode> completionRecords = readUntil(completions, requestId, values -> !values.isEmpty());

        assertThat(output).allSatisfy(v -> {
            assertThat(v.path("request_id").asText()).isEqualTo(requestId);
            assertThat(v.path("attempt").asInt()).isEqualTo(1);
        });
        // the invocation's context rides on seq 0 and the terminal (output.chunk.context=false, the default)
        assertThat(List.of(output.get(0), output.get(output.size() - 1))).allSatisfy(v -> {
            assertThat(v.path("model_id").asText()).isEqualTo(PackagedSinkConfig.MODEL);
            // SinkRecord.originalTopic() (Kafka 3.6+) is what fills this on the worker
            assertThat(v.path("source_topic").asText()).isEqualTo(requests);
        });
        assertThat(output.stream().map(v -> v.path("invocation_id").asText()).distinct())
                .hasSize(1);
        int chunkCount = output.size() - 1;
        assertThat(chunkCount).isPositive();
        List<String> expectedEvents = new ArrayList<>(Collections.nCopies(chunkCount, "chunk"));
        expectedEvents.add("complete");
        assertThat(output.stream().map(v -> v.path("event").asText()).toList())
                .containsExactlyElementsOf(expectedEvents);
        assertThat(output.stream().map(v -> v.path("seq").asLong()).toList())
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(0, chunkCount).boxed().toList());

        String streamedText = output.subList(0, chunkCount).stream()
                .map(v -> v.path("text").isTextual() ? v.path("text").asText() : "")
                .collect(Collectors.joining());
        assertThat(streamedText).isNotBlank();
        assertThat(completionRecords).hasSize(1);
        assertThat(completionRecords.get(0).path("request_id").asText()).isEqualTo(requestId);
        assertThat(completionRecords.get(0).path("text").asText()).isEqualTo(streamedText);
        assertThat(readAll(dlq)).isEmpty();
    }

    /** A dead-lettered request: the DLQ record's headers and the one terminal record on the output topic. */
    record DeadLettered(Map<String, String> headers, JsonNode terminal) {}

    /**
     * Runs the connector with {@code configure}'s changes, sends one request and waits for it on the dead-letter
     * topic; asserts that the output topic got exactly one record for it, a final seq 0 {@code error} terminal,
     * and that the task still runs.
     */
    DeadLettered assertOneRequestIsDeadLettered(
            String topicSuffix, String requestId, String prompt, Consumer<Map<String, String>> configure)
            throws Exception {
        startConnectorAndSend(topicSuffix, requestId, prompt, configure);
        String dlq = PackagedSinkConfig.topics(topicSuffix).deadLetters();
        Map<String, String> headers = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(dlq, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + RECORD_TIMEOUT.toNanos();
            while (headers.isEmpty()) {
                assertThat(System.nanoTime())
                        .as("a record on %s within %s s; worker log: %s", dlq, RECORD_TIMEOUT.toSeconds(), workerLog)
                        .isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(requestId);
                    assertThat(record.value()).isEqualTo(prompt);
                    record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        List<String> output = readAll(PackagedSinkConfig.topics(topicSuffix).chunks());
        assertThat(output).hasSize(1);
        JsonNode terminal = JSON.readTree(output.get(0));
        assertThat(terminal.path("request_id").asText()).isEqualTo(requestId);
        assertThat(terminal.path("event").asText()).isEqualTo("error");
        assertThat(terminal.path("seq").asLong()).isZero();
        assertThat(terminal.path("retrying").asBoolean()).isFalse();
        assertThat(rest.failure(connector)).isEmpty();
        return new DeadLettered(headers, terminal);
    }

    private void startConnectorAndSend(
            String topicSuffix, String requestId, String prompt, Consumer<Map<String, String>> configure)
            throws Exception {
        PackagedSinkConfig topics = PackagedSinkConfig.topics(topicSuffix);
        String requests = topics.requests();
        String chunks = topics.chunks();
        String completions = topics.completions();
        String dlq = topics.deadLetters();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(requests, 1, (short) 1),
                            new NewTopic(chunks, 1, (short) 1),
                            new NewTopic(completions, 1, (short) 1),
                            new NewTopic(dlq, 1, (short) 1)))
                    .all()
                    .get();
        }
        Map<String, String> config = topics.forEmulator(local.emulatorEndpoint(), local.bootstrapServers());
        configure.accept(config);
        rest.putConnectorConfig(connector, config, Duration.ofSeconds(30));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>(requests, requestId, prompt)).get();
        }
    }

    private List<JsonNode> readUntil(String topic, String requestId, Predicate<List<JsonNode>> done)
            throws IOException, InterruptedException {
        List<JsonNode> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + RECORD_TIMEOUT.toNanos();
            long nextStatusCheck = System.nanoTime();
            while (!done.test(values)) {
                if (System.nanoTime() >= nextStatusCheck) {
                    // a FAILED task (e.g. a NoSuchMethodError on an API an older worker lacks) writes nothing
                    // more: say why now rather than at the timeout
                    assertThat(rest.failure(connector)).isEmpty();
                    nextStatusCheck = System.nanoTime() + 1_000_000_000L;
                }
                assertThat(System.nanoTime())
                        .as(
                                "records on %s within %s s; so far: %s; worker log: %s",
                                topic, RECORD_TIMEOUT.toSeconds(), values, workerLog)
                        .isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    assertThat(record.key()).isEqualTo(requestId);
                    values.add(JSON.readTree(record.value()));
                }
            }
        }
        return values;
    }

    private List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }

    private Properties consumerProps() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }
}
