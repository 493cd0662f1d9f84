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
 * The source connector end to end (at-least-once worker): a real KRaft broker and Connect worker, the task's
 * own request consumer, the real AWS SDK and the Bedrock emulator steered by directives in the requests.
 */
class BedrockSourceConnectorIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        h = new EmbeddedConnectHarness(
                "bedrock-source-it", EmulatorOptions.builder().words(12).perChunk(2));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** The committed source offset ("next offset to read") of a request partition, or -1. */
    static long committedOffset(EmbeddedConnectHarness h, String connector, String topic, int partition) {
        for (ConnectorOffset o : h.connect.connectorOffsets(connector).offsets()) {
            if (o.offset() != null
                    && topic.equals(o.partition().get("topic"))
                    && ((Number) o.partition().get("partition")).intValue() == partition) {
                return ((Number) o.offset().get("offset")).longValue();
            }
        }
        return -1;
    }

    static void awaitCommitted(EmbeddedConnectHarness h, String connector, String topic, int partition, long expected)
            throws InterruptedException {
        EmbeddedConnectHarness.awaitOffset(
                connector + " " + topic + "-" + partition,
                () -> committedOffset(h, connector, topic, partition),
                expected,
                WAIT);
    }

    @Test
    void everyFamilyStreamsSequencedChunksThenOneCompleteTerminal() throws Exception {
        Map<String, String> models = new LinkedHashMap<>();
        models.put("s-claude", "anthropic.claude-3-haiku-20240307-v1:0");
        models.put("s-nova", "amazon.nova-lite-v1:0");
        models.put("s-llama", "meta.llama3-1-8b-instruct-v1:0");
        h.connect.kafka().createTopic("src-happy-in", 3);
        Map<String, String> config = h.sourceConfig("src-happy-in", "src-happy-out", "src-happy-dlq");
        config.put("request.model.override.header", "model");
        config.put("request.model.allowed", String.join(",", models.values()));
        config.put("output.completions.topic", "src-happy-done");
        h.start("src-happy", config);

        int p = 0;
        for (Map.Entry<String, String> e : models.entrySet()) {
            String prompt = "Tell me about \"streams\" {braces}\n[[emu id=" + e.getKey() + "]]";
            h.produce(
                    "src-happy-in",
                    p++,
                    e.getKey(),
                    prompt.getBytes(StandardCharsets.UTF_8),
                    Map.of("model", e.getValue()));
        }
        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("src-happy-out", WAIT, rs -> allComplete(rs, models.keySet()));

        p = 0;
        for (Map.Entry<String, String> e : models.entrySet()) {
            String id = e.getKey();
            List<JsonNode> records = recordsOf(out, id);
            assertThat(byInvocation(records)).as("invocations of %s", id).hasSize(1);
            List<Attempt> attempts = h.emulator.stats().attempts(id);
            assertThat(attempts).extracting(Attempt::outcome).containsExactly("complete");
            assertThat(assertInvocation(records, "complete", 1))
                    .isEqualTo(attempts.get(0).text());
            assertThat(records).hasSize(attempts.get(0).chunks() + 1);
            JsonNode terminal = records.get(records.size() - 1);
            assertThat(terminal.path("model_id").asText()).isEqualTo(e.getValue());
            assertThat(terminal.path("source_topic").asText()).isEqualTo("src-happy-in");
            assertThat(terminal.path("source_partition").asInt()).isEqualTo(p++);
            assertThat(terminal.path("source_offset").asLong()).isZero();
            assertThat(terminal.path("output_tokens").asLong()).isEqualTo(12);
        }
        List<ConsumerRecord<byte[], byte[]>> done =
                h.readUntil("src-happy-done", WAIT, rs -> rs.size() >= models.size());
        assertThat(done).hasSize(models.size());
        for (ConsumerRecord<byte[], byte[]> r : done) {
            assertThat(json(r).path("text").asText())
                    .isEqualTo(h.emulator.stats().attempts(key(r)).get(0).text());
        }
        for (int partition = 0; partition < 3; partition++) {
            awaitCommitted(h, "src-happy", "src-happy-in", partition, 1);
        }
    }

    @Test
    void throttledRequestsAreRetriedAndThoseBeyondTheBudgetAreDeadLettered() throws Exception {
        h.connect.kafka().createTopic("src-thr-in", 1);
        Map<String, String> config = h.sourceConfig("src-thr-in", "src-thr-out", "src-thr-dlq");
        config.put("retry.throttling.max.attempts", "3");
        h.start("src-thr", config);
        h.produce(
                "src-thr-in",
                0,
                "t-ok",
                "hello [[emu id=st-ok throttle=2]]".getBytes(StandardCharsets.UTF_8),
                Map.of());
        h.produce(
                "src-thr-in",
                0,
                "t-dead",
                "hello [[emu id=st-dead pre=ThrottlingException]]".getBytes(StandardCharsets.UTF_8),
                Map.of("trace", "abc"));
        h.produce("src-thr-in", 0, "t-after", "hello [[emu id=st-after]]".getBytes(StandardCharsets.UTF_8), Map.of());

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("src-thr-dlq", WAIT, rs -> !rs.isEmpty());
        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("src-thr-out", WAIT, rs -> allComplete(rs, Set.of("t-ok", "t-after")));

        assertThat(h.emulator.stats().attempts("st-ok"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "ThrottlingException", "complete");
        List<List<JsonNode>> ok =
                new ArrayList<>(byInvocation(recordsOf(out, "t-ok")).values());
        assertThat(ok).hasSize(3);
        for (int i = 0; i < 2; i++) {
            assertInvocation(ok.get(i), "error", i + 1);
            assertThat(ok.get(i).get(0).path("error_type").asText()).isEqualTo("ThrottlingException");
            assertThat(ok.get(i).get(0).path("retrying").asBoolean()).isTrue();
        }
        assertThat(assertInvocation(ok.get(2), "complete", 3))
                .isEqualTo(h.emulator.stats().attempts("st-ok").get(2).text());

        assertThat(h.emulator.stats().attempts("st-dead")).hasSize(3);
        List<List<JsonNode>> dead =
                new ArrayList<>(byInvocation(recordsOf(out, "t-dead")).values());
        assertThat(dead).hasSize(3);
        assertThat(dead.get(2).get(0).path("retrying").asBoolean()).isFalse();

        assertThat(dlq).hasSize(1);
        ConsumerRecord<byte[], byte[]> d = dlq.get(0);
        assertThat(key(d)).isEqualTo("t-dead");
        // the request value as the source converter read it, written by the worker's value converter (JSON)
        assertThat(json(d).asText()).isEqualTo("hello [[emu id=st-dead pre=ThrottlingException]]");
        assertThat(header(d, "trace")).isEqualTo("abc");
        assertThat(header(d, "bedrock.error.kind")).isEqualTo("THROTTLING");
        assertThat(header(d, "bedrock.error.type")).isEqualTo("ThrottlingException");
        assertThat(header(d, "bedrock.error.message")).contains("'t-dead' failed after 3 attempts");
        assertThat(header(d, "bedrock.source.topic")).isEqualTo("src-thr-in");
        assertThat(header(d, "bedrock.source.partition")).isEqualTo("0");
        assertThat(header(d, "bedrock.source.offset")).isEqualTo("1");
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            r.headers()
                    .forEach(hd -> assertThat(new String(hd.value(), StandardCharsets.UTF_8))
                            .doesNotContain(EmbeddedConnectHarness.SECRET_KEY)
                            .doesNotContain(EmbeddedConnectHarness.ACCESS_KEY));
        }
        assertThat(h.emulator.stats().attempts("st-after"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
        awaitCommitted(h, "src-thr", "src-thr-in", 0, 3);
    }

    @Test
    void invalidRequestsAreDeadLetteredWithoutACallAndThePartitionKeepsFlowing() throws Exception {
        h.connect.kafka().createTopic("src-tpl-in", 1);
        Map<String, String> config = h.sourceConfig("src-tpl-in", "src-tpl-out", "src-tpl-dlq");
        config.put("source.value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("source.value.converter.schemas.enable", "false");
        config.put("request.mode", "template");
        config.put(
                "request.template",
                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":64,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"${/question}\"}]}");
        h.start("src-tpl", config);
        h.produce("src-tpl-in", "tp-missing", "{\"q\":\"no question field\"}");
        h.produce("src-tpl-in", "tp-garbage", "{not json");
        h.produce("src-tpl-in", "tp-ok", "{\"question\":\"a \\\"quote\\\" [[emu id=tp-ok]]\"}");

        List<ConsumerRecord<byte[], byte[]>> dlq = h.readUntil("src-tpl-dlq", WAIT, rs -> rs.size() >= 2);
        assertThat(dlq).extracting(EmbeddedConnectHarness::key).containsExactly("tp-missing", "tp-garbage");
        ConsumerRecord<byte[], byte[]> missing = dlq.get(0);
        assertThat(json(missing).path("q").asText()).isEqualTo("no question field");
        assertThat(header(missing, "bedrock.error.kind")).isEqualTo("INVALID_REQUEST");
        assertThat(header(missing, "bedrock.error.message"))
                .contains("'tp-missing' is invalid", "TEMPLATE_FIELD_MISSING", "/question");
        assertThat(header(missing, "bedrock.source.offset")).isEqualTo("0");
        ConsumerRecord<byte[], byte[]> garbage = dlq.get(1);
        // the source converter could not read it: the raw bytes go on, base64 in the worker's JSON
        assertThat(java.util.Base64.getDecoder().decode(json(garbage).asText()))
                .isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(header(garbage, "bedrock.error.message")).contains("NOT_CONVERTIBLE");
        assertThat(header(garbage, "bedrock.source.offset")).isEqualTo("1");

        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("src-tpl-out", WAIT, rs -> allComplete(rs, Set.of("tp-ok")));
        assertThat(recordsOf(out, "tp-missing")).isEmpty();
        assertThat(assertInvocation(recordsOf(out, "tp-ok"), "complete", 1))
                .isEqualTo(h.emulator.stats().attempts("tp-ok").get(0).text());
        awaitCommitted(h, "src-tpl", "src-tpl-in", 0, 3);
        assertThat(h.connect.connectorStatus("src-tpl").tasks().get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void partitionsAreDealtToTasksAndEachCommitsItsOwnToTheEnd() throws Exception {
        h.connect.kafka().createTopic("src-multi-in", 4);
        Map<String, String> config = h.sourceConfig("src-multi-in", "src-multi-out", "src-multi-dlq");
        config.put("tasks.max", "2");
        h.connect.configureConnector("src-multi", config);
        h.connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("src-multi", 2, "two tasks");
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 8; i++) {
            ids.add("sm-" + i);
            h.produce(
                    "src-multi-in",
                    i % 4,
                    "sm-" + i,
                    ("go [[emu id=sm-" + i + "]]").getBytes(StandardCharsets.UTF_8),
                    Map.of());
        }
        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil("src-multi-out", WAIT, rs -> allComplete(rs, ids));
        for (String id : ids) {
            assertThat(h.emulator.stats().attempts(id)).as("attempts of %s", id).hasSize(1);
            assertInvocation(recordsOf(out, id), "complete", 1);
        }
        for (int p = 0; p < 4; p++) {
            awaitCommitted(h, "src-multi", "src-multi-in", p, 2);
        }
    }

    @Test
    void withoutADeadLetterTopicAFailedRequestFailsTheTaskWithItsReason() throws Exception {
        h.connect.kafka().createTopic("src-fail-in", 1);
        Map<String, String> config = h.sourceConfig("src-fail-in", "src-fail-out", null);
        config.put("retry.throttling.max.attempts", "1");
        h.start("src-fail", config);
        h.produce("src-fail-in", "f-1", "hello [[emu id=sf-1 pre=ThrottlingException]]");
        h.connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("src-fail", 1, "task did not fail");
        String trace = h.connect.connectorStatus("src-fail").tasks().get(0).trace();
        assertThat(trace)
                .contains("source.dlq.topic is not set", "'f-1' failed after 1 attempt", "ThrottlingException");
        assertThat(committedOffset(h, "src-fail", "src-fail-in", 0)).isIn(-1L, 0L);
    }

    @Test
    void restartingTheTaskMidStreamLosesNothingAndCommitsToTheEnd() throws Exception {
        h.emulator.reset();
        h.connect.kafka().createTopic("src-crash-in", 1);
        Map<String, String> config = h.sourceConfig("src-crash-in", "src-crash-out", "src-crash-dlq");
        config.put("max.in.flight.requests", "4");
        h.start("src-crash", config);
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < 16; i++) {
            String id = "sc-" + i;
            ids.add(id);
            int words = 6 + (i * 7) % 23; // lengths vary so later offsets often finish before earlier ones
            h.produce("src-crash-in", id, "go [[emu id=" + id + " words=" + words + " per_chunk=1 delay_ms=40]]");
        }
        h.readUntil(
                "src-crash-out",
                WAIT,
                rs -> rs.stream()
                                .filter(r ->
                                        "complete".equals(json(r).path("event").asText()))
                                .count()
                        >= 3);
        h.connect.restartTask("src-crash", 0);

        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("src-crash-out", Duration.ofSeconds(90), rs -> allComplete(rs, ids));
        assertThat(ids.stream()
                        .filter(id -> h.emulator.stats().attempts(id).size() > 1)
                        .count())
                .as("requests in flight at the restart ran again")
                .isPositive();
        for (String id : ids) {
            List<Attempt> attempts = h.emulator.stats().attempts(id);
            assertThat(attempts.get(attempts.size() - 1).outcome())
                    .as("last attempt of %s", id)
                    .isEqualTo("complete");
            // whatever ran before the restart, the last invocation of each request is whole
            List<List<JsonNode>> invocations =
                    new ArrayList<>(byInvocation(recordsOf(out, id)).values());
            List<JsonNode> last = invocations.get(invocations.size() - 1);
            assertThat(assertInvocation(last, "complete", 1)).isNotEmpty();
        }
        assertThat(h.emulator.stats().maxConcurrency()).isLessThanOrEqualTo(4);
        awaitCommitted(h, "src-crash", "src-crash-in", 0, 16);
    }
}
