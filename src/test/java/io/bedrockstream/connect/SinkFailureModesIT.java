package io.bedrockstream.connect;

import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static io.bedrockstream.connect.EmbeddedConnectHarness.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.EmulatorOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the sink fails and reports: errors.tolerance=none, setup errors (fail or dead-letter), secrets through a
 * config provider, and the task's metrics on a real worker.
 */
class SinkFailureModesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        // Connect's default commit interval: nothing here may depend on frequent preCommit calls
        h = new EmbeddedConnectHarness(
                "bedrock-sink-failures", EmulatorOptions.builder().words(8).perChunk(2), 60_000);
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static ConnectorStateInfo.TaskState awaitTaskFailed(String connector) throws InterruptedException {
        h.connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(connector, 1, "task did not fail");
        return h.connect.connectorStatus(connector).tasks().get(0);
    }

    @Test
    void withErrorsToleranceNoneAFailedRequestFailsTheTaskSayingWhyAndCommitsNothingPastIt() throws Exception {
        h.connect.kafka().createTopic("none-in", 1);
        Map<String, String> config = h.sinkConfig("none-in", "none-out", "unused");
        config.put("errors.tolerance", "none");
        config.remove("errors.deadletterqueue.topic.name");
        config.remove("errors.deadletterqueue.topic.replication.factor");
        config.remove("errors.deadletterqueue.context.headers.enable");
        h.start("none", config);
        h.produce("none-in", "n-ok", "fine [[emu id=n-ok]]");
        h.readUntil("none-out", WAIT, rs -> allComplete(rs, Set.of("n-ok")));
        h.produce("none-in", "n-bad", "bad [[emu id=n-bad pre=ValidationException]]");

        ConnectorStateInfo.TaskState task = awaitTaskFailed("none");
        assertThat(task.trace())
                .contains("Request n-bad", "errors.tolerance=none", "INVALID_REQUEST ValidationException");
        assertThat(task.trace()).doesNotContain(EmbeddedConnectHarness.SECRET_KEY);
        assertThat(h.emulator.stats().attempts("n-bad")).hasSize(1); // a ValidationException is never retried
        // the finished request's offset may be committed; the failed one's never is
        assertThat(h.connect.connectorOffsets("none").offsets())
                .allSatisfy(o -> assertThat(((Number) o.offset().get("kafka_offset")).longValue())
                        .isLessThanOrEqualTo(1));
    }

    @Test
    void anAccessDeniedRequestFailsTheTaskByDefaultAndIsDeadLetteredWhenConfigured() throws Exception {
        h.connect.kafka().createTopic("setup-in", 1);
        h.start("setup", h.sinkConfig("setup-in", "setup-out", "setup-dlq"));
        h.produce("setup-in", "s-denied", "x [[emu id=s-denied pre=AccessDeniedException]]");
        ConnectorStateInfo.TaskState task = awaitTaskFailed("setup");
        assertThat(task.trace()).contains("setup.error.action=fail", "AccessDeniedException");

        h.connect.kafka().createTopic("setup2-in", 1);
        Map<String, String> dlqConfig = h.sinkConfig("setup2-in", "setup-out", "setup-dlq");
        dlqConfig.put("setup.error.action", "dlq");
        dlqConfig.put("bedrock.secret.access.key", "a-wrong-secret-key");
        h.start("setup2", dlqConfig);
        h.produce("setup2-in", "s-wrong", "x [[emu id=s-wrong]]");
        h.connect.kafka().createTopic("setup3-in", 1);
        Map<String, String> deniedConfig = h.sinkConfig("setup3-in", "setup-out", "setup-dlq");
        deniedConfig.put("setup.error.action", "dlq");
        h.start("setup3", deniedConfig);
        h.produce("setup3-in", "s-denied2", "x [[emu id=s-denied2 pre=AccessDeniedException]]");
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("setup-dlq", WAIT, rs -> rs.size() >= 2);
        Map<String, String> reasons = new java.util.HashMap<>();
        dlq.forEach(r -> reasons.put(EmbeddedConnectHarness.key(r), header(r, "__connect.errors.exception.message")));
        assertThat(reasons).containsOnlyKeys("s-wrong", "s-denied2");
        assertThat(reasons.get("s-wrong")).contains("CONFIGURATION InvalidSignatureException", "check the credentials");
        assertThat(reasons.get("s-denied2"))
                .contains("CONFIGURATION AccessDeniedException", "bedrock:InvokeModelWithResponseStream");
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            r.headers()
                    .forEach(hd -> assertThat(new String(hd.value(), StandardCharsets.UTF_8))
                            .doesNotContain("a-wrong-secret-key"));
        }
        assertThat(h.emulator.stats().attempts("s-wrong"))
                .extracting(Attempt::outcome)
                .hasSize(1);
        assertThat(h.connect.connectorStatus("setup2").tasks().get(0).state()).isEqualTo("RUNNING");
        assertThat(h.connect.connectorStatus("setup3").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void secretsComeFromAConfigProviderAndNeverShowInTheStoredConfig(@TempDir Path dir) throws Exception {
        Path secrets = dir.resolve("bedrock.properties");
        Files.writeString(secrets, "secret_access_key=" + EmbeddedConnectHarness.SECRET_KEY + "\n");
        h.connect.kafka().createTopic("prov-in", 1);
        Map<String, String> config = h.sinkConfig("prov-in", "prov-out", "prov-dlq");
        config.put("bedrock.secret.access.key", "${file:" + secrets + ":secret_access_key}");
        h.start("prov", config);
        h.produce("prov-in", "p-1", "hello [[emu id=p-1]]");
        // the emulator verifies SigV4 with the real secret: a completed request proves the provider resolved it
        h.readUntil("prov-out", WAIT, rs -> allComplete(rs, Set.of("p-1")));
        assertThat(h.emulator.stats().attempts("p-1"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
        assertThat(h.connect.connectorInfo("prov").config().get("bedrock.secret.access.key"))
                .startsWith("${file:");
    }

    @Test
    void anApiKeyFromAConfigProviderStreamsAsABearerTokenAndAWrongOneIsDeadLetteredWithoutIt(@TempDir Path dir)
            throws Exception {
        String key = "ABSKQmVkcm9ja0FQSUtleS1zaW5rOmtleS1wYXJ0LTAwMDE=";
        String wrongKey = "ABSKQmVkcm9ja0FQSUtleS1zaW5rOndyb25nLXBhcnQtOTk5OQ==";
        h.emulator.updateSettings(b -> b.apiKeys(Set.of(key)));
        Path secrets = dir.resolve("bedrock.properties");
        Files.writeString(secrets, "api_key=" + key + "\nwrong_key=" + wrongKey + "\n");
        h.connect.kafka().createTopic("key-in", 1);
        Map<String, String> config = h.sinkConfig("key-in", "key-out", "key-dlq");
        config.remove("bedrock.access.key.id");
        config.remove("bedrock.secret.access.key");
        config.put("bedrock.credentials.provider", "api-key");
        config.put("bedrock.api.key", "${file:" + secrets + ":api_key}");
        h.start("key", config);
        h.produce("key-in", "k-1", "hello [[emu id=k-1]]");

        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil("key-out", WAIT, rs -> allComplete(rs, Set.of("k-1")));
        assertThat(out)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsOnly("k-1");
        assertThat(h.emulator.stats().attempts("k-1"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
        // one bearer call carrying the key the file holds, and no SigV4 header at all
        assertThat(h.emulator.authorizations("k-1")).containsExactly("Bearer accepted");
        assertThat(h.connect.connectorInfo("key").config().get("bedrock.api.key"))
                .startsWith("${file:");

        h.connect.kafka().createTopic("key2-in", 1);
        Map<String, String> wrong = new java.util.HashMap<>(config);
        wrong.put("topics", "key2-in");
        wrong.put("bedrock.api.key", "${file:" + secrets + ":wrong_key}");
        wrong.put("setup.error.action", "dlq");
        h.start("key2", wrong);
        h.produce("key2-in", "k-wrong", "hello [[emu id=k-wrong]]");

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("key-dlq", WAIT, rs -> !rs.isEmpty());
        assertThat(dlq)
                .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("k-wrong");
        assertThat(header(dlq.get(0), "__connect.errors.exception.message"))
                .contains(
                        "CONFIGURATION AccessDeniedException",
                        "Authentication failed: Please make sure your API Key is valid.",
                        "check that bedrock.api.key");
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            r.headers()
                    .forEach(hd -> assertThat(new String(hd.value(), StandardCharsets.UTF_8))
                            .doesNotContain(wrongKey)
                            .doesNotContain(wrongKey.substring(4, 24)));
        }
        // a setup error is never retried
        assertThat(h.emulator.authorizations("k-wrong")).containsExactly("Bearer refused");
        assertThat(h.connect.connectorStatus("key2").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void theTaskPublishesItsMetricsOnTheWorker() throws Exception {
        h.connect.kafka().createTopic("met-in", 1);
        h.start("met", h.sinkConfig("met-in", "met-out", "met-dlq"));
        h.produce("met-in", "mt-1", "hello [[emu id=mt-1]]");
        h.produce("met-in", "mt-2", "hello [[emu id=mt-2 throttle=1]]");
        h.readUntil("met-out", WAIT, rs -> allComplete(rs, Set.of("mt-1", "mt-2")));

        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Long> seen = Map.of();
        while (System.nanoTime() < deadline) {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
                if ("met".equals(name.getKeyProperty("connector")) && name.getKeyProperty("topic") == null) {
                    seen = Map.of(
                            "requests-completed-total", attribute(server, name, "requests-completed-total"),
                            "requests-retried-total", attribute(server, name, "requests-retried-total"),
                            "chunks-written-total", attribute(server, name, "chunks-written-total"),
                            "output-tokens-total", attribute(server, name, "output-tokens-total"),
                            "throttled-calls-total", attribute(server, name, "throttled-calls-total"),
                            "bytes-out-total", attribute(server, name, "bytes-out-total"),
                            "in-flight-requests", attribute(server, name, "in-flight-requests"));
                }
            }
            if (Long.valueOf(2).equals(seen.get("requests-completed-total"))) {
                break;
            }
            Thread.sleep(200);
        }
        long chunks = h.emulator.stats().attempts("mt-1").get(0).chunks()
                + h.emulator.stats().attempts("mt-2").get(1).chunks();
        long partitionBacklogs = 0;
        for (ObjectName name : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            if ("met".equals(name.getKeyProperty("connector"))
                    && "met-in".equals(name.getKeyProperty("topic"))
                    && "0".equals(name.getKeyProperty("partition"))) {
                partitionBacklogs++;
                assertThat(attribute(server, name, "request-backlog")).isZero();
            }
        }
        assertThat(partitionBacklogs)
                .as("a request-backlog metric tagged with the request partition")
                .isEqualTo(1);
        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("met-out", WAIT, rs -> allComplete(rs, Set.of("mt-1", "mt-2")));
        long bytes = out.stream()
                .mapToLong(r -> r.serializedKeySize() + r.serializedValueSize())
                .sum();
        assertThat(seen)
                .containsEntry("requests-completed-total", 2L)
                .containsEntry("requests-retried-total", 1L)
                .containsEntry("chunks-written-total", chunks)
                .containsEntry("output-tokens-total", 16L)
                .containsEntry("throttled-calls-total", 1L)
                .containsEntry("bytes-out-total", bytes)
                .containsEntry("in-flight-requests", 0L);
    }

    @Test
    void aPausedTaskResumesWithoutWaitingForTheNextOffsetCommit() throws Exception {
        h.connect.kafka().createTopic("slow-in", 1);
        Map<String, String> config = h.sinkConfig("slow-in", "slow-out", "slow-dlq");
        config.put("max.in.flight.requests", "2");
        config.put("consumer.override.max.poll.records", "5");
        h.start("slow", config);
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add("sl-" + i);
            h.produce("slow-in", "sl-" + i, "go [[emu id=sl-" + i + " words=4 per_chunk=2 delay_ms=20]]");
        }
        // 40 requests, 2 at a time, ~60 ms each: seconds of work. The task pauses at 4 unfinished requests;
        // if it resumed only when Connect next commits offsets (every 60 s here), this would time out
        h.readUntil("slow-out", Duration.ofSeconds(30), rs -> allComplete(rs, ids));
    }

    private static long attribute(MBeanServer server, ObjectName name, String attribute) {
        try {
            Object v = server.getAttribute(name, attribute);
            return v instanceof Number n ? n.longValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void oneRecordsProblemsAreDeadLetteredNeverACrashLoop() throws Exception {
        // a completion larger than the output producer allows, and a per-record model the service refuses
        h.connect.kafka().createTopic("poison-in", 1);
        Map<String, String> config = h.sinkConfig("poison-in", "poison-out", "poison-dlq");
        config.put("output.completions.topic", "poison-done");
        config.put("output.producer.max.request.size", "2500");
        config.put("request.model.override.header", "model");
        config.put("request.model.allowed", "amazon.nova-lite-v1:0");
        h.start("poison", config);
        h.produce(
                "poison-in",
                0,
                "p-long",
                "x [[emu id=p-long words=400 per_chunk=2]]".getBytes(StandardCharsets.UTF_8),
                Map.of());
        h.produce(
                "poison-in",
                0,
                "p-denied",
                "x [[emu id=p-denied pre=AccessDeniedException]]".getBytes(StandardCharsets.UTF_8),
                Map.of("model", "amazon.nova-lite-v1:0"));
        h.produce("poison-in", 0, "p-ok", "x [[emu id=p-ok]]".getBytes(StandardCharsets.UTF_8), Map.of());

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("poison-dlq", WAIT, rs -> rs.size() >= 2);
        assertThat(dlq).extracting(EmbeddedConnectHarness::key).containsExactlyInAnyOrder("p-long", "p-denied");
        Map<String, String> reasons = new java.util.HashMap<>();
        dlq.forEach(d -> reasons.put(EmbeddedConnectHarness.key(d), header(d, "__connect.errors.exception.message")));
        assertThat(reasons.get("p-long")).contains("OUTPUT_REFUSED", "max.request.size");
        assertThat(reasons.get("p-denied")).contains("AccessDeniedException", "amazon.nova-lite-v1:0");
        // p-long's chunks and complete terminal are written; its completion record is what could not be
        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("poison-out", WAIT, rs -> allComplete(rs, Set.of("p-long", "p-ok")));
        EmbeddedConnectHarness.assertInvocation(EmbeddedConnectHarness.recordsOf(out, "p-long"), "complete", 1);
        assertThat(h.readUntil("poison-done", WAIT, rs -> !rs.isEmpty()))
                .extracting(EmbeddedConnectHarness::key)
                .containsExactly("p-ok");
        EmbeddedConnectHarness.awaitOffset(
                "poison",
                () -> h.connect.connectorOffsets("poison").offsets().stream()
                        .mapToLong(o -> ((Number) o.offset().get("kafka_offset")).longValue())
                        .max()
                        .orElse(-1),
                3,
                WAIT);
        assertThat(h.connect.connectorStatus("poison").tasks().get(0).state()).isEqualTo("RUNNING");
    }
}
