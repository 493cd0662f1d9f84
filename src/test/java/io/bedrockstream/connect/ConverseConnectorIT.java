package io.bedrockstream.connect;

import static io.bedrockstream.connect.EmbeddedConnectHarness.allComplete;
import static io.bedrockstream.connect.EmbeddedConnectHarness.assertInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.byInvocation;
import static io.bedrockstream.connect.EmbeddedConnectHarness.json;
import static io.bedrockstream.connect.EmbeddedConnectHarness.key;
import static io.bedrockstream.connect.EmbeddedConnectHarness.recordsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bedrock.api=converse end to end in both connectors: a real broker and worker, the real SDK's converseStream
 * and the emulator's ConverseStream. Prompt mode against an application-inference-profile ARN, which has no
 * model family: Converse needs none.
 */
class ConverseConnectorIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROFILE_ARN =
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/converse-it";
    private static final String TOOL_INPUT = "{\"location\":\"Paris, \\\"FR\\\"\",\"unit\":\"celsius\",\"days\":[1,2]}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedConnectHarness h;

    @BeforeAll
    static void start() {
        h = new EmbeddedConnectHarness(
                "bedrock-converse-it", EmulatorOptions.builder().words(6).perChunk(2));
    }

    @AfterAll
    static void stop() {
        if (h != null) {
            h.close();
        }
    }

    private static Map<String, String> converse(Map<String, String> config) {
        config.put("bedrock.api", "converse");
        config.put("bedrock.model.id", PROFILE_ARN);
        config.put("request.system.prompt", "Answer with a tool call when you can.");
        config.put("request.max.tokens", "300");
        return config;
    }

    private static List<JsonNode> chunksOf(List<JsonNode> invocation, String type) {
        return invocation.stream()
                .filter(n -> type.equals(n.path("delta_type").asText(null)))
                .toList();
    }

    @Test
    void sinkStreamsTypedDeltasAndAssemblesToolUseAndReasoning() throws Exception {
        h.connect.kafka().createTopic("cv-in", 1);
        Map<String, String> config = converse(h.sinkConfig("cv-in", "cv-out", "cv-dlq"));
        config.put("output.completions.topic", "cv-done");
        h.start("cv", config);
        h.produce(
                "cv-in",
                "cv-tool",
                "What is the weather in Paris? [[emu id=cv-tool reasoning=4 tool=get_weather " + "cache_read=3]]");
        h.produce("cv-in", "cv-text", "Say hello. [[emu id=cv-text]]");

        List<ConsumerRecord<byte[], byte[]>> out =
                h.readUntil("cv-out", WAIT, rs -> allComplete(rs, Set.of("cv-tool", "cv-text")));

        List<JsonNode> tool = recordsOf(out, "cv-tool");
        assertThat(byInvocation(tool)).hasSize(1);
        String text = assertInvocation(tool, "complete", 1);
        List<JsonNode> reasoning = chunksOf(tool, "reasoning");
        List<JsonNode> toolDeltas = chunksOf(tool, "tool_use");
        assertThat(reasoning)
                .isNotEmpty()
                .allSatisfy(n -> assertThat(n.path("block_index").asInt()).isZero());
        assertThat(chunksOf(tool, "reasoning_signature"))
                .singleElement()
                .satisfies(n -> assertThat(n.path("chunk").asText()).contains("signature"));
        assertThat(toolDeltas).hasSizeGreaterThan(2).allSatisfy(n -> {
            assertThat(n.path("tool_name").asText()).isEqualTo("get_weather");
            assertThat(n.path("tool_use_id").asText()).startsWith("tooluse_");
        });
        String input = toolDeltas.stream()
                .map(n -> parse(n.path("chunk").asText())
                        .at("/delta/toolUse/input")
                        .asText())
                .collect(Collectors.joining());
        assertThat(JSON.readTree(input)).isEqualTo(JSON.readTree(TOOL_INPUT));
        // the chunks' text is answer text and reasoning text; the answer alone is the text deltas
        String answer = chunksOf(tool, "text").stream()
                .map(n -> n.path("text").asText())
                .collect(Collectors.joining());
        assertThat(answer)
                .isEqualTo(h.emulator.stats().attempts("cv-tool").get(0).text());
        assertThat(text).startsWith(reasoning.get(0).path("text").asText());
        JsonNode terminal = tool.get(tool.size() - 1);
        assertThat(terminal.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(terminal.path("cache_read_input_tokens").asLong()).isEqualTo(3);
        assertThat(terminal.path("latency_ms").isNumber()).isTrue();
        assertThat(terminal.path("model_id").asText()).isEqualTo(PROFILE_ARN);

        List<ConsumerRecord<byte[], byte[]>> done = h.readUntil("cv-done", WAIT, rs -> rs.size() >= 2);
        JsonNode completion = done.stream()
                .filter(r -> "cv-tool".equals(key(r)))
                .map(EmbeddedConnectHarness::json)
                .findFirst()
                .orElseThrow();
        assertThat(completion.path("text").asText()).isEqualTo(answer);
        assertThat(completion.path("reasoning").asText())
                .isEqualTo(reasoning.stream().map(n -> n.path("text").asText()).collect(Collectors.joining()));
        assertThat(completion.path("reasoning_signature").asText()).isNotBlank();
        assertThat(completion.at("/tool_calls/0/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(completion.at("/tool_calls/0/input").asText())).isEqualTo(JSON.readTree(TOOL_INPUT));
        JsonNode plain = done.stream()
                .filter(r -> "cv-text".equals(key(r)))
                .map(EmbeddedConnectHarness::json)
                .findFirst()
                .orElseThrow();
        assertThat(plain.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(plain.path("tool_calls").isNull() || plain.path("tool_calls").isMissingNode())
                .isTrue();
    }

    @Test
    void aMidStreamFailureDuringAToolInputBlockIsRetriedWhole() throws Exception {
        h.connect.kafka().createTopic("cvr-in", 1);
        Map<String, String> config = converse(h.sinkConfig("cvr-in", "cvr-out", "cvr-dlq"));
        config.put("output.completions.topic", "cvr-done");
        h.start("cvr", config);
        // frames: messageStart, 3 text deltas, stop, tool start, then the tool deltas: fail after two of them
        h.produce(
                "cvr-in",
                "cvr",
                "Weather? [[emu id=cvr tool=get_weather mid=modelStreamErrorException " + "mid_after=8 mid_times=1]]");

        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil("cvr-out", WAIT, rs -> allComplete(rs, Set.of("cvr")));
        assertThat(h.emulator.stats().attempts("cvr"))
                .extracting(Attempt::outcome)
                .containsExactly("modelStreamErrorException", "complete");
        List<List<JsonNode>> invocations =
                new ArrayList<>(byInvocation(recordsOf(out, "cvr")).values());
        assertThat(invocations).hasSize(2);
        assertInvocation(invocations.get(0), "error", 1);
        assertThat(chunksOf(invocations.get(0), "tool_use")).hasSize(2);
        JsonNode error = invocations.get(0).get(invocations.get(0).size() - 1);
        assertThat(error.path("error_type").asText()).isEqualTo("modelStreamErrorException");
        assertThat(error.path("retrying").asBoolean()).isTrue();
        assertInvocation(invocations.get(1), "complete", 2);
        assertThat(chunksOf(invocations.get(1), "tool_use")).hasSizeGreaterThan(2);

        JsonNode completion =
                json(h.readUntil("cvr-done", WAIT, rs -> !rs.isEmpty()).get(0));
        assertThat(completion.path("attempts").asInt()).isEqualTo(2);
        assertThat(JSON.readTree(completion.at("/tool_calls/0/input").asText())).isEqualTo(JSON.readTree(TOOL_INPUT));
    }

    @Test
    void sourceConnectorStreamsConverseDeltasToo() throws Exception {
        h.connect.kafka().createTopic("cvs-in", 1);
        h.start("cvs", converse(h.sourceConfig("cvs-in", "cvs-out", null)));
        h.produce(
                "cvs-in",
                "cvs",
                "Think, then call a tool. [[emu id=cvs reasoning=3 redacted=1 citation=1 " + "tool=lookup]]");

        List<ConsumerRecord<byte[], byte[]>> out = h.readUntil("cvs-out", WAIT, rs -> allComplete(rs, Set.of("cvs")));
        List<JsonNode> records = recordsOf(out, "cvs");
        assertInvocation(records, "complete", 1);
        assertThat(records.subList(0, records.size() - 1))
                .extracting(n -> n.path("delta_type").asText())
                .contains("reasoning", "reasoning_signature", "reasoning_redacted", "text", "citation", "tool_use");
        assertThat(chunksOf(records, "tool_use"))
                .allSatisfy(n -> assertThat(n.path("tool_name").asText()).isEqualTo("lookup"));
        assertThat(records.get(records.size() - 1).path("stop_reason").asText()).isEqualTo("tool_use");
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
