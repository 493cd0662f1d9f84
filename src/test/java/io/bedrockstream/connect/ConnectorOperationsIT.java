package io.bedrockstream.connect;

import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.emulator.EmulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.errors.ConnectRestException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What operators do to running connectors, on a real worker: request topics and partitions that appear and
 * disappear, transactions that abort, and the worker's offsets REST API (KIP-875) for both connectors.
 */
class ConnectorOperationsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        // one broker: the transaction state log (for the aborting producer) must fit on it
        java.util.Properties broker = new java.util.Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        h = new EmbeddedConnectHarness(
                "bedrock-operations-it", EmulatorOptions.builder().words(6).perChunk(2), 500, Map.of(), broker);
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static void produce(String topic, int partition, String id) {
        h.produce(topic, partition, id, ("q [[emu id=" + id + "]]").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private static void awaitComplete(String out, String... ids) {
        h.readUntil(out, WAIT, rs -> allComplete(rs, Set.of(ids)));
    }

    private static void awaitTasks(String connector, int n) throws InterruptedException {
        h.connect
                .assertions()
                .assertConnectorAndExactlyNumTasksAreRunning(connector, n, "expected " + n + " running tasks");
    }

    @Test
    void requestTopicsAndPartitionsThatAppearOrGoAreFollowedWithoutARestartAndNothingRunsTwice() throws Exception {
        Map<String, String> config = h.sourceConfig("unused", "disc-out", "disc-dlq");
        config.remove("source.topics");
        config.put("source.topics.regex", "disc-[a-z]");
        config.put("source.refresh.interval.ms", "500");
        config.put("tasks.max", "4");
        h.connect.configureConnector("disc", config);
        awaitTasks("disc", 0); // no request topic yet: the connector runs with no tasks

        h.connect.kafka().createTopic("disc-a", 1);
        awaitTasks("disc", 1);
        produce("disc-a", 0, "d-1");
        awaitComplete("disc-out", "d-1");

        try (Admin admin = h.connect.kafka().createAdminClient()) {
            admin.createPartitions(Map.of("disc-a", NewPartitions.increaseTo(2)))
                    .all()
                    .get();
        }
        h.connect.kafka().createTopic("disc-b", 1);
        awaitTasks("disc", 3); // tasks.max above the partition count: one task per partition
        produce("disc-a", 1, "d-2");
        produce("disc-b", 0, "d-3");
        awaitComplete("disc-out", "d-1", "d-2", "d-3");

        h.connect.kafka().deleteTopic("disc-b");
        awaitTasks("disc", 2);
        produce("disc-a", 0, "d-4");
        awaitComplete("disc-out", "d-4");
        for (String id : new String[] {"d-1", "d-2", "d-3", "d-4"}) {
            assertThat(h.emulator.stats().attempts(id)).as("attempts of %s", id).hasSize(1);
        }
    }

    @Test
    void requestsAProducerAbortsAreNeverInvoked() throws Exception {
        h.connect.kafka().createTopic("txn-in", 1);
        h.start("txn", h.sourceConfig("txn-in", "txn-out", "txn-dlq"));
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "requests-writer");
        try (KafkaProducer<byte[], byte[]> producer = h.connect.kafka().createProducer(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record("txn-in", "t-aborted")).get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record("txn-in", "t-committed")).get();
            producer.commitTransaction();
        }
        awaitComplete("txn-out", "t-committed");
        assertThat(h.emulator.stats().attempts("t-aborted")).isEmpty();
        assertThat(h.emulator.stats().attempts("t-committed")).hasSize(1);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String id) {
        return new ProducerRecord<>(
                topic,
                0,
                id.getBytes(StandardCharsets.UTF_8),
                ("q [[emu id=" + id + "]]").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sourceOffsetsAlteredOrResetThroughRestRunRequestsAgainFromTheChosenPoint() throws Exception {
        h.connect.kafka().createTopic("off-in", 1);
        h.start("off", h.sourceConfig("off-in", "off-out", "off-dlq"));
        for (int i = 0; i < 3; i++) {
            produce("off-in", 0, "o-" + i);
        }
        awaitComplete("off-out", "o-0", "o-1", "o-2");
        BedrockSourceConnectorIT.awaitCommitted(h, "off", "off-in", 0, 3);

        h.connect.stopConnector("off");
        h.connect.assertions().assertConnectorIsStopped("off", "not stopped");
        Map<String, Object> partition = Map.of("topic", "off-in", "partition", 0);
        assertThatThrownBy(
                        () -> h.connect.alterSourceConnectorOffset("off", partition, Map.of("offset", 1, "done", "x")))
                .isInstanceOf(ConnectRestException.class)
                .hasMessageContaining("'x'");
        assertThatThrownBy(() ->
                        h.connect.alterSourceConnectorOffset("off", Map.of("topic", "off-in"), Map.of("offset", 1)))
                .isInstanceOf(ConnectRestException.class)
                .hasMessageContaining("partition");
        h.connect.alterSourceConnectorOffset("off", partition, Map.of("offset", 1, "done", "2"));
        h.connect.resumeConnector("off");
        awaitTasks("off", 1);
        BedrockSourceConnectorIT.awaitCommitted(h, "off", "off-in", 0, 3);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (h.emulator.stats().attempts("o-1").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(h.emulator.stats().attempts("o-0")).hasSize(1);
        assertThat(h.emulator.stats().attempts("o-1"))
                .as("altered to offset 1: o-1 runs again")
                .hasSize(2);
        assertThat(h.emulator.stats().attempts("o-2"))
                .as("listed as done: o-2 does not")
                .hasSize(1);

        h.connect.stopConnector("off");
        h.connect.assertions().assertConnectorIsStopped("off", "not stopped");
        h.connect.resetConnectorOffsets("off");
        h.connect.resumeConnector("off");
        deadline = System.nanoTime() + WAIT.toNanos();
        // requests run concurrently: wait for all three, not just the last one produced
        while ((h.emulator.stats().attempts("o-0").size() < 2
                        || h.emulator.stats().attempts("o-1").size() < 3
                        || h.emulator.stats().attempts("o-2").size() < 2)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(h.emulator.stats().attempts("o-0"))
                .as("reset: every request runs again")
                .hasSize(2);
        assertThat(h.emulator.stats().attempts("o-1")).hasSize(3);
        assertThat(h.emulator.stats().attempts("o-2")).hasSize(2);
    }

    @Test
    void sinkOffsetsAlteredOrResetThroughRestRunRequestsAgainFromTheChosenPoint() throws Exception {
        h.connect.kafka().createTopic("soff-in", 1);
        h.start("soff", h.sinkConfig("soff-in", "soff-out", "soff-dlq"));
        produce("soff-in", 0, "so-0");
        produce("soff-in", 0, "so-1");
        awaitComplete("soff-out", "so-0", "so-1");
        EmbeddedConnectHarness.awaitOffset("soff", () -> sinkCommitted("soff"), 2, WAIT);

        h.connect.stopConnector("soff");
        h.connect.assertions().assertConnectorIsStopped("soff", "not stopped");
        h.connect.alterSinkConnectorOffset("soff", new TopicPartition("soff-in", 0), 1L);
        h.connect.resumeConnector("soff");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (h.emulator.stats().attempts("so-1").size() < 2 && System.nanoTime() < deadline) { // at least once more
            Thread.sleep(100);
        }
        EmbeddedConnectHarness.awaitOffset("soff", () -> sinkCommitted("soff"), 2, WAIT);
        assertThat(h.emulator.stats().attempts("so-0"))
                .as("before the altered offset: not run again")
                .hasSize(1);
        // at least once more: a rebalance while the resumed tasks join the group may run it again too
        int so1 = h.emulator.stats().attempts("so-1").size();
        assertThat(so1).isGreaterThanOrEqualTo(2);

        h.connect.stopConnector("soff");
        h.connect.assertions().assertConnectorIsStopped("soff", "not stopped");
        h.connect.resetConnectorOffsets("soff");
        h.connect.resumeConnector("soff");
        deadline = System.nanoTime() + WAIT.toNanos();
        while ((h.emulator.stats().attempts("so-0").size() < 2
                        || h.emulator.stats().attempts("so-1").size() <= so1)
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(h.emulator.stats().attempts("so-0"))
                .as("reset: every request runs again")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(h.emulator.stats().attempts("so-1")).hasSizeGreaterThan(so1);
    }

    private static long sinkCommitted(String connector) {
        return h.connect.connectorOffsets(connector).offsets().stream()
                .mapToLong(o -> ((Number) o.offset().get("kafka_offset")).longValue())
                .max()
                .orElse(-1);
    }
}
