package io.bedrockstream.connect;

import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.EmulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rebalances that keep the task instances alive: the sink's consumer group changes while requests stream, and
 * a task gets back partitions it owned a moment ago. Every request must still complete and every partition's
 * committed offset must reach its end.
 */
class SinkRebalanceIT {
    private static final int PARTITIONS = 4;
    private static final int REQUESTS = 400;
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        h = new EmbeddedConnectHarness(
                "bedrock-sink-rebalance-it", EmulatorOptions.builder().words(12).perChunk(2));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static long committed(String connector, int partition) {
        for (ConnectorOffset o : h.connect.connectorOffsets(connector).offsets()) {
            if (((Number) o.partition().get("kafka_partition")).intValue() == partition) {
                return ((Number) o.offset().get("kafka_offset")).longValue();
            }
        }
        return -1;
    }

    private static Set<String> produce(String topic, String prefix) {
        Set<String> ids = new LinkedHashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = h.connect.kafka().createProducer(new HashMap<>())) {
            for (int i = 0; i < REQUESTS; i++) {
                String id = prefix + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(
                        topic,
                        i % PARTITIONS,
                        id.getBytes(StandardCharsets.UTF_8),
                        ("go [[emu id=" + id + " words=10 per_chunk=1 delay_ms=60]]")
                                .getBytes(StandardCharsets.UTF_8)));
            }
        }
        return ids;
    }

    /** Waits for a complete terminal of every id; a failure names the missing ones and their attempts. */
    private static void awaitAllComplete(String topic, Set<String> ids) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> seen = new java.util.ArrayList<>();
        try {
            h.readUntil(topic, Duration.ofSeconds(90), rs -> {
                seen.clear();
                seen.addAll(rs);
                return allComplete(rs, ids);
            });
        } catch (AssertionError e) {
            Set<String> missing = new java.util.TreeSet<>(ids);
            seen.stream()
                    .map(EmbeddedConnectHarness::json)
                    .filter(n -> "complete".equals(n.path("event").asText()))
                    .forEach(n -> missing.remove(n.path("request_id").asText()));
            StringBuilder detail = new StringBuilder();
            missing.stream()
                    .limit(20)
                    .forEach(id -> detail.append(id)
                            .append(" attempts=")
                            .append(h.emulator.stats().attempts(id))
                            .append(" records=")
                            .append(seen.stream()
                                    .filter(r -> id.equals(EmbeddedConnectHarness.key(r)))
                                    .count())
                            .append("; "));
            throw new AssertionError(missing.size() + " of " + ids.size() + " requests never completed: " + detail, e);
        }
    }

    @Test
    void anOutsideMemberJoiningAndLeavingTheGroupHandsTasksTheirPartitionsBackAndEveryRequestCompletes()
            throws Exception {
        h.connect.kafka().createTopic("join-in", PARTITIONS);
        Map<String, String> config = h.sinkConfig("join-in", "join-out", "join-dlq");
        config.put("tasks.max", "2");
        config.put("max.in.flight.requests", "8");
        h.connect.configureConnector("join", config);
        h.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("join", 2, "tasks did not start");
        Set<String> ids = produce("join-in", "j-");
        h.readUntil(
                "join-out",
                Duration.ofSeconds(60),
                rs -> rs.stream()
                                .filter(r -> "complete"
                                        .equals(EmbeddedConnectHarness.json(r)
                                                .path("event")
                                                .asText()))
                                .count()
                        >= 20);

        // one more member of the sink's consumer group: a rebalance when it joins and another when it leaves;
        // it never commits, so what it was assigned meanwhile is read again from the committed offsets
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "connect-join");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> outsider = h.connect.kafka().createConsumer(props)) {
            outsider.subscribe(List.of("join-in"));
            long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < until) {
                outsider.poll(Duration.ofMillis(200));
            }
        }

        awaitAllComplete("join-out", ids);
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            EmbeddedConnectHarness.awaitOffset(
                    "join partition " + p,
                    () -> committed("join", partition),
                    REQUESTS / PARTITIONS,
                    Duration.ofSeconds(60));
        }
        assertThat(h.connect.connectorStatus("join").tasks()).allMatch(t -> "RUNNING".equals(t.state()));
    }
}
