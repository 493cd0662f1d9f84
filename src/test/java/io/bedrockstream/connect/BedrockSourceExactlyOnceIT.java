package io.bedrockstream.connect;

import static io.bedrockstream.connect.BedrockSourceConnectorIT.awaitCommitted;
import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static io.bedrockstream.connect.EmbeddedConnectHarness.assertInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.byInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.json;
import static io.bedrockstream.connect.EmbeddedConnectHarness.recordsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The source connector on a worker with exactly-once source support (KIP-618): each poll's records and the
 * offsets they carry commit in one transaction, so a restart mid-stream never completes a request twice in
 * what a {@code read_committed} consumer sees.
 */
class BedrockSourceExactlyOnceIT {
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        h = new EmbeddedConnectHarness(
                "bedrock-source-eos-it",
                EmulatorOptions.builder().words(12).perChunk(2),
                500,
                Map.of("exactly.once.source.support", "enabled"),
                broker);
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aRestartMidStreamNeverCompletesARequestTwice() throws Exception {
        h.connect.kafka().createTopic("eos-in", 1);
        Map<String, String> config = h.sourceConfig("eos-in", "eos-out", "eos-dlq");
        config.put("exactly.once.support", "required");
        config.put("max.in.flight.requests", "4");
        h.start("eos", config);
        Set<String> ids = new LinkedHashSet<>();
        // e-0 streams for seconds, so the others finish ahead of it and the commit point stays before them
        ids.add("e-0");
        h.produce("eos-in", "e-0", "go [[emu id=e-0 words=120 per_chunk=1 delay_ms=40]]");
        for (int i = 1; i < 10; i++) {
            String id = "e-" + i;
            ids.add(id);
            int words = 6 + (i * 7) % 23;
            h.produce("eos-in", id, "go [[emu id=" + id + " words=" + words + " per_chunk=1 delay_ms=40]]");
        }
        List<ConsumerRecord<byte[], byte[]>> beforeRestart = h.readUntil(
                "eos-out", BedrockSourceConnectorIT.WAIT, rs -> completed(rs).size() >= 3);
        h.connect.restartTask("eos", 0);
        Set<String> completedBefore = completed(beforeRestart);
        assertThat(completedBefore).doesNotContain("e-0");

        h.readUntil("eos-out", Duration.ofSeconds(90), rs -> allComplete(rs, ids));
        // once the offset is past every request nothing more is produced: read all that was committed
        awaitCommitted(h, "eos", "eos-in", 0, 10);
        List<ConsumerRecord<byte[], byte[]>> out = readAllCommitted("eos-out");

        assertThat(h.emulator.stats().attempts("e-0"))
                .as("e-0, streaming at the restart, ran again")
                .hasSize(2);
        for (String id : completedBefore) {
            // committed with the offset that records it done, though the commit point was still at e-0
            assertThat(h.emulator.stats().attempts(id))
                    .as("attempts of %s, complete before the restart", id)
                    .hasSize(1);
        }
        for (String id : ids) {
            List<List<JsonNode>> invocations =
                    new ArrayList<>(byInvocation(recordsOf(out, id)).values());
            List<List<JsonNode>> completed = invocations.stream()
                    .filter(inv -> inv.stream()
                            .anyMatch(n -> "complete".equals(n.path("event").asText())))
                    .toList();
            assertThat(completed).as("complete invocations of %s", id).hasSize(1);
            List<JsonNode> whole = completed.get(0);
            String text = assertInvocation(whole, "complete", 1);
            assertThat(h.emulator.stats().attempts(id))
                    .filteredOn(a -> "complete".equals(a.outcome()))
                    .extracting(Attempt::text)
                    .contains(text);
            for (List<JsonNode> inv : invocations) {
                if (inv != whole) {
                    assertThat(inv)
                            .as("an invocation cut short by the restart has no terminal")
                            .noneMatch(n -> "complete".equals(n.path("event").asText()));
                }
            }
        }
    }

    private static Set<String> completed(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new LinkedHashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if ("complete".equals(json(r).path("event").asText())) {
                out.add(json(r).path("request_id").asText());
            }
        }
        return out;
    }

    /** Every record a read_committed consumer sees in the topic, up to its last stable offset. */
    private static List<ConsumerRecord<byte[], byte[]>> readAllCommitted(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = h.connect.kafka().createConsumer(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
