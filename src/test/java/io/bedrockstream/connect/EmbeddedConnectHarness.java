package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * A real KRaft broker and Connect worker (Kafka's {@link EmbeddedConnectCluster}) plus the Bedrock emulator
 * in-process, with the helpers the sink and source tests share: produce requests, read the output and the DLQ.
 * The static helpers that read output records are public: the docker tier (io.bedrockstream.docker) asserts
 * output from containers with the same checks.
 */
public final class EmbeddedConnectHarness implements AutoCloseable {
    static final String ACCESS_KEY = "AKIDSINKTEST";
    static final String SECRET_KEY = "sink-secret-never-logged-7f3a";
    static final String CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";

    private static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedConnectCluster connect;
    final BedrockEmulator emulator;

    EmbeddedConnectHarness(String name, EmulatorOptions.Builder emulatorOptions) {
        this(name, emulatorOptions, 500);
    }

    /** @param offsetFlushMs the worker's offset.flush.interval.ms: how often Connect commits (and calls preCommit) */
    EmbeddedConnectHarness(String name, EmulatorOptions.Builder emulatorOptions, long offsetFlushMs) {
        this(name, emulatorOptions, offsetFlushMs, Map.of(), new Properties());
    }

    /**
     * @param extraWorkerProps added to the worker's settings, e.g. exactly.once.source.support=enabled
     * @param brokerProps      the broker's settings, e.g. the transaction state log's replication for one broker
     */
    EmbeddedConnectHarness(
            String name,
            EmulatorOptions.Builder emulatorOptions,
            long offsetFlushMs,
            Map<String, String> extraWorkerProps,
            Properties brokerProps) {
        emulator = BedrockEmulator.start(
                emulatorOptions.port(0).credentials(ACCESS_KEY, SECRET_KEY).build());
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", String.valueOf(offsetFlushMs));
        workerProps.put("connector.client.config.override.policy", "All");
        workerProps.put("config.providers", "file");
        workerProps.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        workerProps.putAll(extraWorkerProps);
        connect = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        connect.start();
    }

    /** A sink config for prompt-mode requests with plain string keys and values. */
    Map<String, String> sinkConfig(String in, String out, String dlq) {
        Map<String, String> c = new HashMap<>();
        c.put("connector.class", BedrockSinkConnector.class.getName());
        c.put("tasks.max", "1");
        c.put("topics", in);
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("bedrock.region", "us-east-1");
        c.put("bedrock.endpoint.override", emulator.endpoint().toString());
        c.put("bedrock.credentials.provider", "static");
        c.put("bedrock.access.key.id", ACCESS_KEY);
        c.put("bedrock.secret.access.key", SECRET_KEY);
        c.put("bedrock.model.id", CLAUDE);
        c.put("request.mode", "prompt");
        c.put("output.topic", out);
        c.put("output.bootstrap.servers", connect.kafka().bootstrapServers());
        c.put("output.value.converter.schemas.enable", "false");
        c.put("retry.backoff.ms", "50");
        c.put("retry.backoff.max.ms", "200");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", dlq);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        return c;
    }

    /**
     * A source config for prompt-mode requests with plain string keys and values: the task consumes
     * {@code in} itself and the worker writes the output (string keys, schemaless JSON values).
     */
    Map<String, String> sourceConfig(String in, String out, String dlq) {
        Map<String, String> c = sinkConfig(in, out, dlq);
        c.keySet()
                .removeIf(k -> k.startsWith("errors.")
                        || k.startsWith("output.value.converter")
                        || k.equals("topics")
                        || k.equals("output.bootstrap.servers"));
        c.put("connector.class", BedrockSourceConnector.class.getName());
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter.schemas.enable", "false");
        c.put("source.topics", in);
        c.put("source.bootstrap.servers", connect.kafka().bootstrapServers());
        if (dlq != null) {
            c.put("source.dlq.topic", dlq);
        }
        // the worker creates the output topics (Connect's topic creation, KIP-158)
        c.put("topic.creation.default.replication.factor", "1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    void start(String name, Map<String, String> config) throws InterruptedException {
        connect.configureConnector(name, config);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "connector did not start");
    }

    void produce(String topic, Integer partition, String key, byte[] value, Map<String, String> headers) {
        Map<String, Object> props = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(props)) {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(
                    topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
            headers.forEach((k, v) -> r.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
            producer.send(r).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    void produce(String topic, String key, String value) {
        produce(topic, 0, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Reads a topic from the beginning until {@code done} holds for what was read, or the timeout passes. */
    List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + System.nanoTime());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumerAndSubscribeTo(props, topic)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
                if (done.test(out)) {
                    return out;
                }
            }
        }
        throw new AssertionError("timed out reading " + topic + " after " + out.size() + " records");
    }

    public static JsonNode json(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Output records of one request id, in the order read; any there are must sit in one partition (same key). */
    public static List<JsonNode> recordsOf(List<ConsumerRecord<byte[], byte[]>> records, String id) {
        List<ConsumerRecord<byte[], byte[]>> mine =
                records.stream().filter(r -> id.equals(key(r))).toList();
        if (!mine.isEmpty()) {
            assertThat(mine.stream().map(ConsumerRecord::partition).distinct())
                    .as("partitions of %s", id)
                    .hasSize(1);
        }
        return mine.stream().map(EmbeddedConnectHarness::json).toList();
    }

    /** Groups a request's records by invocation, keeping order. */
    public static Map<String, List<JsonNode>> byInvocation(List<JsonNode> records) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        for (JsonNode n : records) {
            out.computeIfAbsent(n.path("invocation_id").asText(), k -> new ArrayList<>())
                    .add(n);
        }
        return out;
    }

    /** Asserts seq 0..n-1 chunks then one terminal of the given event at seq n; returns the joined text. */
    public static String assertInvocation(List<JsonNode> inv, String terminal, int attempt) {
        for (int i = 0; i < inv.size(); i++) {
            JsonNode n = inv.get(i);
            assertThat(n.path("seq").asLong()).isEqualTo(i);
            assertThat(n.path("attempt").asInt()).isEqualTo(attempt);
            assertThat(n.path("event").asText()).isEqualTo(i < inv.size() - 1 ? "chunk" : terminal);
        }
        return inv.stream()
                .filter(n -> "chunk".equals(n.path("event").asText()))
                .map(n -> n.path("text").isNull() ? "" : n.path("text").asText())
                .collect(Collectors.joining());
    }

    /** Polls a committed offset until it equals {@code expected}; fails after {@code wait} naming {@code what}. */
    static void awaitOffset(String what, LongSupplier committed, long expected, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            last = committed.getAsLong();
            if (last == expected) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("committed offset of " + what + " is " + last + ", expected " + expected);
    }

    /** True once every id has a {@code complete} terminal among the output records. */
    public static boolean allComplete(List<ConsumerRecord<byte[], byte[]>> records, Set<String> ids) {
        Set<String> complete = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode n = json(r);
            if ("complete".equals(n.path("event").asText())) {
                complete.add(n.path("request_id").asText());
            }
        }
        return complete.containsAll(ids);
    }

    @Override
    public void close() {
        connect.stop();
        emulator.close();
    }
}
