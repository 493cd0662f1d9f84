package io.bedrockstream.connect;

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
import io.bedrockstream.emulator.EmulatorOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sink connector end to end: a real KRaft broker and Connect worker, the real AWS SDK, and the Bedrock
 * emulator steered by directives inside the request records.
 */
class BedrockSinkConnectorIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        h = new EmbeddedConnectHarness(
                "bedrock-sink-it", EmulatorOptions.builder().words(12).perChunk(2));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static long committedOffset(String connector, int partition) {
        for (ConnectorOffset o : h.connect.connectorOffsets(connector).offsets()) {
            if (((Number) o.partition().get("kafka_partition")).intValue() == partition) {
                return ((Number) o.offset().get("kafka_offset")).longValue();
            }
        }
        return -1;
    }

    private static void awaitCommitted(String connector, int partition, long expected) throws InterruptedException {
        EmbeddedConnectHarness.awaitOffset(
                connector + " partition " + partition, () -> committedOffset(connector, partition), expected, WAIT);
    }

    @Test
    void everyFamilyStreamsSequencedChunksThenOneCompleteTerminal() throws Exception {
        Map<String, String> models = new LinkedHashMap<>();
        models.put("h-claude", "anthropic.claude-3-haiku-20240307-v1:0");
        models.put("h-nova", "amazon.nova-lite-v1:0");
        models.put("h-llama", "meta.llama3-1-8b-instruct-v1:0");
        models.put("h-mistral", "mistral.mistral-7b-instruct-v0:2");
        models.put("h-titan", "amazon.titan-text-express-v1");
        models.put("h-cohere", "cohere.command-r-v1:0");
        h.connect.kafka().createTopic("happy-in", 3);
        Map<String, String> config = h.sinkConfig("happy-in", "happy-out", "happy-dlq");
        config.put("request.model.override.header", "model");
        config.put("request.model.allowed", String.join(",", models.values()));
        config.put("output.completions.topic", "happy-done");
        h.start("happy", config);

        int p = 0;
        for (Map.Entry<String, String> e : models.entrySet()) {
            String prompt = "Tell me about \"streams\" {braces}\n[[emu id=" + e.getKey() + "]]";
            h.produce(
                    "happy-in",
                    p++ % 3,
                    e.getKey(),
                    prompt.getBytes(StandardCharsets.UTF_8),
                    Map.of("model", e.getValue()));
        }
        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("happy-out", WAIT, rs -> allComplete(rs, models.keySet()));

        for (Map.Entry<String, String> e : models.entrySet()) {
            String id = e.getKey();
            List<JsonNode> records = recordsOf(out, id);
            Map<String, List<JsonNode>> invocations = byInvocation(records);
            assertThat(invocations).as("invocations of %s", id).hasSize(1);
            List<Attempt> attempts = h.emulator.stats().attempts(id);
            assertThat(attempts).hasSize(1);
            assertThat(attempts.get(0).outcome()).isEqualTo("complete");
            String text = assertInvocation(records, "complete", 1);
            assertThat(text).isEqualTo(attempts.get(0).text());
            assertThat(records).hasSize(attempts.get(0).chunks() + 1);
            JsonNode terminal = records.get(records.size() - 1);
            assertThat(terminal.path("request_id").asText()).isEqualTo(id);
            assertThat(terminal.path("model_id").asText()).isEqualTo(e.getValue());
            assertThat(terminal.path("source_topic").asText()).isEqualTo("happy-in");
            assertThat(terminal.path("input_tokens").asLong()).isPositive();
            assertThat(terminal.path("output_tokens").asLong()).isEqualTo(12);
            assertThat(terminal.path("stop_reason").isNull()).isFalse();
            assertThat(records)
                    .allSatisfy(n -> assertThat(n.path("request_id").asText()).isEqualTo(id));
        }

        List<ConsumerRecord<byte[], byte[]>> done = h.readUntil("happy-done", WAIT, rs -> rs.size() >= models.size());
        assertThat(done).hasSize(models.size());
        for (ConsumerRecord<byte[], byte[]> r : done) {
            JsonNode n = json(r);
            String id = key(r);
            assertThat(n.path("request_id").asText()).isEqualTo(id);
            assertThat(n.path("text").asText())
                    .isEqualTo(h.emulator.stats().attempts(id).get(0).text());
            assertThat(n.path("attempts").asInt()).isEqualTo(1);
        }
    }

    @Test
    void throttledRequestsAreRetriedAndThoseBeyondTheBudgetAreDeadLettered() throws Exception {
        h.connect.kafka().createTopic("thr-in", 1);
        Map<String, String> config = h.sinkConfig("thr-in", "thr-out", "thr-dlq");
        config.put("retry.throttling.max.attempts", "3");
        h.start("thr", config);
        h.produce("thr-in", "t-ok", "hello [[emu id=t-ok throttle=2]]");
        h.produce("thr-in", "t-dead", "hello [[emu id=t-dead pre=ThrottlingException]]");
        h.produce("thr-in", "t-after", "hello [[emu id=t-after]]");

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("thr-dlq", WAIT, rs -> !rs.isEmpty());
        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil(
                "thr-out",
                WAIT,
                rs -> allComplete(rs, Set.of("t-ok", "t-after"))
                        && rs.stream()
                                .anyMatch(r -> "t-dead".equals(key(r))
                                        && json(r).path("attempt").asInt() == 3));

        assertThat(h.emulator.stats().attempts("t-ok"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "ThrottlingException", "complete");
        List<List<JsonNode>> okInvocations =
                new ArrayList<>(byInvocation(recordsOf(out, "t-ok")).values());
        assertThat(okInvocations).hasSize(3);
        for (int i = 0; i < 2; i++) {
            List<JsonNode> inv = okInvocations.get(i);
            assertInvocation(inv, "error", i + 1);
            assertThat(inv).hasSize(1);
            assertThat(inv.get(0).path("error_type").asText()).isEqualTo("ThrottlingException");
            assertThat(inv.get(0).path("retrying").asBoolean()).isTrue();
        }
        assertThat(assertInvocation(okInvocations.get(2), "complete", 3))
                .isEqualTo(h.emulator.stats().attempts("t-ok").get(2).text());

        assertThat(h.emulator.stats().attempts("t-dead")).hasSize(3);
        List<List<JsonNode>> deadInvocations =
                new ArrayList<>(byInvocation(recordsOf(out, "t-dead")).values());
        assertThat(deadInvocations).hasSize(3);
        assertThat(deadInvocations.get(2).get(0).path("retrying").asBoolean()).isFalse();

        assertThat(dlq).hasSize(1);
        ConsumerRecord<byte[], byte[]> d = dlq.get(0);
        assertThat(key(d)).isEqualTo("t-dead");
        assertThat(new String(d.value(), StandardCharsets.UTF_8))
                .isEqualTo("hello [[emu id=t-dead pre=ThrottlingException]]");
        assertThat(header(d, "__connect.errors.topic")).isEqualTo("thr-in");
        assertThat(header(d, "__connect.errors.partition")).isEqualTo("0");
        assertThat(header(d, "__connect.errors.offset")).isEqualTo("1");
        assertThat(header(d, "__connect.errors.exception.message"))
                .contains("'t-dead' failed after 3 attempts", "THROTTLING ThrottlingException");
        assertNoSecrets(dlq);

        assertThat(h.emulator.stats().attempts("t-after"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
        awaitCommitted("thr", 0, 3);
    }

    @Test
    void midStreamModelErrorEndsTheInvocationWithAnErrorTerminalThenRetriesOrDeadLetters() throws Exception {
        h.connect.kafka().createTopic("mid-in", 1);
        h.start("mid", h.sinkConfig("mid-in", "mid-out", "mid-dlq"));
        h.connect.kafka().createTopic("mid2-in", 1);
        Map<String, String> noRetry = h.sinkConfig("mid2-in", "mid-out", "mid-dlq");
        noRetry.put("retry.transient.errors", "none");
        h.start("mid2", noRetry);

        h.produce(
                "mid-in",
                "m-retry",
                "hi [[emu id=m-retry mid=modelStreamErrorException mid_after=3 mid_times=1 orig_status=503]]");
        h.produce("mid2-in", "m-dlq", "hi [[emu id=m-dlq mid=modelStreamErrorException mid_after=2]]");

        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil(
                "mid-out",
                WAIT,
                rs -> allComplete(rs, Set.of("m-retry"))
                        && rs.stream()
                                .anyMatch(r -> "m-dlq".equals(key(r))
                                        && "error".equals(json(r).path("event").asText())));
        List<List<JsonNode>> retried =
                new ArrayList<>(byInvocation(recordsOf(out, "m-retry")).values());
        assertThat(retried).hasSize(2);
        assertInvocation(retried.get(0), "error", 1);
        assertThat(retried.get(0)).hasSize(4);
        JsonNode error = retried.get(0).get(3);
        assertThat(error.path("error_type").asText()).isEqualToIgnoringCase("modelStreamErrorException");
        assertThat(error.path("original_status_code").asInt()).isEqualTo(503);
        assertThat(error.path("retrying").asBoolean()).isTrue();
        assertThat(assertInvocation(retried.get(1), "complete", 2))
                .isEqualTo(h.emulator.stats().attempts("m-retry").get(1).text());

        List<JsonNode> failed = recordsOf(out, "m-dlq");
        assertInvocation(failed, "error", 1);
        assertThat(failed).hasSize(3);
        assertThat(failed.get(2).path("retrying").asBoolean()).isFalse();
        assertThat(h.emulator.stats().attempts("m-dlq")).hasSize(1);
        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("mid-dlq", WAIT, rs -> !rs.isEmpty());
        assertThat(dlq).extracting(EmbeddedConnectHarness::key).containsExactly("m-dlq");
        assertThat(header(dlq.get(0), "__connect.errors.exception.message"))
                .containsIgnoringCase("modelStreamErrorException")
                .contains("after 1 attempt");
    }

    @Test
    void badInputsAreDeadLetteredWithTheirReasonAndThePartitionKeepsFlowing() throws Exception {
        h.connect.kafka().createTopic("bad-in", 1);
        Map<String, String> config = h.sinkConfig("bad-in", "bad-out", "bad-dlq");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("request.mode", "passthrough");
        config.put("request.max.bytes", "300");
        config.put("request.model.override.header", "model");
        config.put("request.model.allowed", EmbeddedConnectHarness.CLAUDE);
        h.start("bad", config);

        String body = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":64,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi [[emu id=%s]]\"}]}";
        byte[][] values = {
            "{not json".getBytes(StandardCharsets.UTF_8),
            null,
            String.format(body, "x".repeat(400)).getBytes(StandardCharsets.UTF_8),
            {(byte) 0xC3, (byte) 0x28, '{', '}'},
            String.format(body, "b-model").getBytes(StandardCharsets.UTF_8),
            String.format(body, "b-ok").getBytes(StandardCharsets.UTF_8),
        };
        String[] reasons = {"NOT_JSON", "NULL_VALUE", "TOO_LARGE", "NOT_UTF8", "MODEL_NOT_ALLOWED"};
        for (int i = 0; i < values.length; i++) {
            Map<String, String> headers = i == 4 ? Map.of("model", "cohere.command-r-v1:0") : Map.of();
            h.produce("bad-in", 0, i < 5 ? "b-" + i : "b-ok", values[i], headers);
        }

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("bad-dlq", WAIT, rs -> rs.size() >= 5);
        assertThat(dlq).hasSize(5);
        for (int i = 0; i < 5; i++) {
            ConsumerRecord<byte[], byte[]> d = dlq.get(i);
            assertThat(key(d)).isEqualTo("b-" + i);
            assertThat(d.value()).isEqualTo(values[i]);
            assertThat(header(d, "__connect.errors.offset")).isEqualTo(String.valueOf(i));
            assertThat(header(d, "__connect.errors.exception.message"))
                    .as("reason of record %d", i)
                    .contains("'b-" + i + "' is invalid", reasons[i]);
        }
        assertNoSecrets(dlq);
        h.readUntil("bad-out", WAIT, rs -> allComplete(rs, Set.of("b-ok")));
        assertThat(h.emulator.stats().attempts("b-model")).isEmpty();
        awaitCommitted("bad", 0, 6);
        assertThat(h.connect.connectorStatus("bad").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void templateFieldsAreEscapedAndAMissingFieldIsDeadLettered() throws Exception {
        h.connect.kafka().createTopic("tpl-in", 1);
        Map<String, String> config = h.sinkConfig("tpl-in", "tpl-out", "tpl-dlq");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("request.mode", "template");
        config.put(
                "request.template",
                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":64,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"${/question}\"}]}");
        h.start("tpl", config);
        h.produce("tpl-in", "tp-missing", "{\"q\":\"no question field\"}");
        h.produce(
                "tpl-in",
                "tp-ok",
                "{\"question\":\"a \\\"quote\\\", a brace }, \\\"max_tokens\\\": 1 " + "[[emu id=tp-ok]]\"}");

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("tpl-dlq", WAIT, rs -> !rs.isEmpty());
        assertThat(header(dlq.get(0), "__connect.errors.exception.message"))
                .contains("TEMPLATE_FIELD_MISSING", "/question");
        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil("tpl-out", WAIT, rs -> allComplete(rs, Set.of("tp-ok")));
        assertInvocation(recordsOf(out, "tp-ok"), "complete", 1);
        // the injected "max_tokens": 1 stayed inside the prompt string: the whole default text was generated
        assertThat(h.emulator.stats().attempts("tp-ok").get(0).outcome()).isEqualTo("complete");
        assertThat(json(out.get(out.size() - 1)).path("output_tokens").asLong()).isEqualTo(12);
    }

    @Test
    void restartingTheTaskMidStreamLosesNothingAndNeverCommitsPastAnUnfinishedRequest() throws Exception {
        h.emulator.reset();
        h.connect.kafka().createTopic("crash-in", 1);
        Map<String, String> config = h.sinkConfig("crash-in", "crash-out", "crash-dlq");
        config.put("max.in.flight.requests", "4");
        h.start("crash", config);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 16; i++) {
            String id = "c-" + i;
            ids.add(id);
            // lengths vary so later offsets often finish before earlier ones
            int words = 6 + (i * 7) % 23;
            h.produce("crash-in", id, "go [[emu id=" + id + " words=" + words + " per_chunk=1 delay_ms=40]]");
        }
        h.readUntil(
                "crash-out",
                WAIT,
                rs -> rs.stream()
                                .filter(r ->
                                        "complete".equals(json(r).path("event").asText()))
                                .count()
                        >= 3);
        h.connect.restartTask("crash", 0);

        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("crash-out", Duration.ofSeconds(90), rs -> allComplete(rs, ids));
        assertThat(out).isNotEmpty();
        long rerun = ids.stream()
                .filter(id -> h.emulator.stats().attempts(id).size() > 1)
                .count();
        assertThat(rerun).as("requests in flight at the restart ran again").isPositive();
        for (String id : ids) {
            List<Attempt> attempts = h.emulator.stats().attempts(id);
            assertThat(attempts.get(attempts.size() - 1).outcome())
                    .as("last attempt of %s", id)
                    .isEqualTo("complete");
        }
        assertThat(h.emulator.stats().maxConcurrency()).isLessThanOrEqualTo(4);
        awaitCommitted("crash", 0, 16);
    }

    @Test
    void aFastProducerIsHeldBackByPausingSoUnfinishedRequestsStayBounded() throws Exception {
        h.emulator.reset();
        h.connect.kafka().createTopic("bp-in", 2);
        Map<String, String> config = h.sinkConfig("bp-in", "bp-out", "bp-dlq");
        config.put("max.in.flight.requests", "2");
        config.put("consumer.override.max.poll.records", "5");
        h.start("bp", config);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 60; i++) {
            ids.add("bp-" + i);
            h.produce(
                    "bp-in",
                    i % 2,
                    "bp-" + i,
                    ("go [[emu id=bp-" + i + " words=4 per_chunk=2 delay_ms=15]]").getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        long maxUnfinished = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (javax.management.ObjectName name :
                    server.queryNames(new javax.management.ObjectName("kafka.connect:type=plugins,*"), null)) {
                // the task's metrics, not the per-partition backlog metrics (tagged topic/partition) beside them
                if ("bp".equals(name.getKeyProperty("connector")) && name.getKeyProperty("topic") == null) {
                    Object v = server.getAttribute(name, "in-flight-requests");
                    maxUnfinished = Math.max(maxUnfinished, ((Number) v).longValue());
                }
            }
            if (h.emulator.stats().attempts("bp-59").size() == 1
                    && h.emulator.stats().attempts("bp-58").size() == 1) {
                break;
            }
            Thread.sleep(20);
        }
        h.readUntil("bp-out", WAIT, rs -> allComplete(rs, ids));
        // the task pauses at 2 x max.in.flight.requests unfinished; one more poll batch may arrive meanwhile
        assertThat(maxUnfinished).isBetween(1L, 4L + 5L);
        assertThat(h.emulator.stats().maxConcurrency()).isLessThanOrEqualTo(2);
        awaitCommitted("bp", 0, 30);
        awaitCommitted("bp", 1, 30);
    }

    @Test
    void aRebalanceMidStreamLosesNothingAndCommitsEveryPartitionToItsEnd() throws Exception {
        h.connect.kafka().createTopic("reb-in", 4);
        Map<String, String> config = h.sinkConfig("reb-in", "reb-out", "reb-dlq");
        config.put("max.in.flight.requests", "4");
        h.start("reb", config);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 32; i++) {
            ids.add("r-" + i);
            h.produce(
                    "reb-in",
                    i % 4,
                    "r-" + i,
                    ("go [[emu id=r-" + i + " words=10 per_chunk=1 delay_ms=30]]").getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
        h.readUntil(
                "reb-out",
                WAIT,
                rs -> rs.stream()
                                .filter(r ->
                                        "complete".equals(json(r).path("event").asText()))
                                .count()
                        >= 4);
        config.put("tasks.max", "2"); // the worker rebalances: partitions are revoked and re-assigned mid-stream
        h.connect.configureConnector("reb", config);
        h.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("reb", 2, "no second task");

        h.readUntil("reb-out", Duration.ofSeconds(90), rs -> allComplete(rs, ids));
        assertThat(ids.stream()
                        .filter(id -> h.emulator.stats().attempts(id).size() > 1)
                        .count())
                .as("requests streaming at the rebalance ran again on the new owner")
                .isPositive();
        for (int p = 0; p < 4; p++) {
            awaitCommitted("reb", p, 8);
        }
    }

    private static void assertNoSecrets(List<ConsumerRecord<byte[], byte[]>> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            r.headers()
                    .forEach(hd -> assertThat(new String(hd.value(), StandardCharsets.UTF_8))
                            .doesNotContain(EmbeddedConnectHarness.SECRET_KEY)
                            .doesNotContain(EmbeddedConnectHarness.ACCESS_KEY));
        }
    }
}
