package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** Each family's chunk sequence as the real SDK's Visitor receives it (BEDROCK.md §5). */
class FamilyStreamTest {

    private static final String METRICS = "amazon-bedrock-invocationMetrics";
    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
        client = SdkHarness.client(emulator.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    /** 7 words in chunks of 3: deltas of 3, 3 and 1 words. */
    private static String directive(String id) {
        return "[[emu id=" + id + " words=7 per_chunk=3]] tell me a story";
    }

    private SdkHarness.StreamResult run(String id, String modelId, String body) {
        SdkHarness.StreamResult result = SdkHarness.stream(client, modelId, body);
        assertThat(result.error()).as("stream error").isNull();
        assertThat(result.response().contentType()).isEqualTo("application/json");
        assertMetricsOnlyOnLast(result.chunks());
        List<Attempt> attempts = emulator.stats().attempts(id);
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).outcome()).isEqualTo("complete");
        assertThat(attempts.get(0).chunks()).isEqualTo(result.chunks().size());
        return result;
    }

    private static void assertMetricsOnlyOnLast(List<JsonNode> chunks) {
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertThat(chunks.get(i).has(METRICS)).as("metrics on chunk %d", i).isFalse();
        }
        JsonNode metrics = chunks.get(chunks.size() - 1).get(METRICS);
        assertThat(metrics).isNotNull();
        assertThat(metrics.get("outputTokenCount").asInt()).isEqualTo(7);
        assertThat(metrics.get("inputTokenCount").asInt()).isPositive();
        assertThat(metrics.has("invocationLatency")).isTrue();
        assertThat(metrics.has("firstByteLatency")).isTrue();
    }

    private String textOf(String id) {
        return emulator.stats().attempts(id).get(0).text();
    }

    private static String join(List<JsonNode> chunks, Function<JsonNode, String> text) {
        StringBuilder sb = new StringBuilder();
        chunks.forEach(c -> sb.append(text.apply(c)));
        return sb.toString();
    }

    private static List<String> field(List<JsonNode> chunks, Function<JsonNode, JsonNode> f) {
        List<String> out = new ArrayList<>();
        chunks.forEach(c -> {
            JsonNode n = f.apply(c);
            out.add(n == null || n.isNull() ? null : n.asText());
        });
        return out;
    }

    @Test
    void anthropicStreamsMessagesEvents() {
        String body = SdkHarness.claudeBody(directive("claude"));
        List<JsonNode> chunks = run("claude", SdkHarness.CLAUDE, body).chunks();
        assertThat(field(chunks, c -> c.get("type")))
                .containsExactly(
                        "message_start",
                        "content_block_start",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_delta",
                        "content_block_stop",
                        "message_delta",
                        "message_stop");
        assertThat(chunks.get(0).at("/message/role").asText()).isEqualTo("assistant");
        assertThat(chunks.get(0).at("/message/usage/input_tokens").asInt()).isEqualTo(8);
        assertThat(join(chunks.subList(2, 5), c -> c.at("/delta/text").asText()))
                .isEqualTo(textOf("claude"));
        assertThat(chunks.get(6).at("/delta/stop_reason").asText()).isEqualTo("end_turn");
        assertThat(chunks.get(6).at("/usage/output_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void anthropicStopsWithMaxTokensWhenLimitIsBelowWordCount() {
        String body = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"[[emu id=short per_chunk=2]] go\"}]}]}";
        SdkHarness.StreamResult result = SdkHarness.stream(client, "us." + SdkHarness.CLAUDE, body);
        assertThat(result.error()).isNull();
        List<JsonNode> chunks = result.chunks();
        assertThat(chunks).hasSize(8);
        assertThat(chunks.get(6).at("/delta/stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(chunks.get(7).at("/" + METRICS + "/outputTokenCount").asInt())
                .isEqualTo(5);
    }

    @Test
    void titanStreamsOutputTextAndFinishes() {
        String body = "{\"inputText\":\"" + directive("titan") + "\",\"textGenerationConfig\":{\"maxTokenCount\":100}}";
        List<JsonNode> chunks =
                run("titan", "amazon.titan-text-express-v1", body).chunks();
        assertThat(chunks).hasSize(3);
        assertThat(join(chunks, c -> c.get("outputText").asText())).isEqualTo(textOf("titan"));
        assertThat(field(chunks, c -> c.get("completionReason"))).containsExactly(null, null, "FINISH");
        assertThat(field(chunks, c -> c.get("index"))).containsOnly("0");
    }

    @Test
    void novaStreamsSingleKeyEventsWithMetadataLast() {
        String body = "{\"schemaVersion\":\"messages-v1\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\""
                + directive("nova") + "\"}]}],\"inferenceConfig\":{\"maxTokens\":100}}";
        List<JsonNode> chunks = run("nova", "us.amazon.nova-lite-v1:0", body).chunks();
        assertThat(field(
                        chunks,
                        c -> c.fieldNames().next() == null
                                ? null
                                : SdkHarness.JSON
                                        .getNodeFactory()
                                        .textNode(c.fieldNames().next())))
                .containsExactly(
                        "messageStart",
                        "contentBlockDelta",
                        "contentBlockDelta",
                        "contentBlockDelta",
                        "contentBlockStop",
                        "messageStop",
                        "metadata");
        assertThat(join(
                        chunks.subList(1, 4),
                        c -> c.at("/contentBlockDelta/delta/text").asText()))
                .isEqualTo(textOf("nova"));
        assertThat(chunks.get(5).at("/messageStop/stopReason").asText()).isEqualTo("end_turn");
        assertThat(chunks.get(6).at("/metadata/usage/outputTokens").asInt()).isEqualTo(7);
    }

    @Test
    void llamaCountsPromptTokensOnlyOnTheFirstChunk() {
        String body = "{\"prompt\":\"" + directive("llama") + "\",\"max_gen_len\":512}";
        List<JsonNode> chunks =
                run("llama", "meta.llama3-1-8b-instruct-v1:0", body).chunks();
        assertThat(chunks).hasSize(3);
        assertThat(join(chunks, c -> c.get("generation").asText())).isEqualTo(textOf("llama"));
        assertThat(field(chunks, c -> c.get("prompt_token_count"))).containsExactly("8", null, null);
        assertThat(field(chunks, c -> c.get("generation_token_count"))).containsExactly("3", "6", "7");
        assertThat(field(chunks, c -> c.get("stop_reason"))).containsExactly(null, null, "stop");
    }

    @Test
    void llamaStopsWithLengthAtMaxGenLen() {
        String body = "{\"prompt\":\"[[emu id=llama-len]] hi\",\"max_gen_len\":4}";
        SdkHarness.StreamResult result = SdkHarness.stream(client, "meta.llama3-1-8b-instruct-v1:0", body);
        List<JsonNode> chunks = result.chunks();
        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(1).get("stop_reason").asText()).isEqualTo("length");
    }

    @Test
    void mistralTextStreamsOutputs() {
        String body = "{\"prompt\":\"<s>[INST] " + directive("mistral") + " [/INST]\",\"max_tokens\":512}";
        List<JsonNode> chunks =
                run("mistral", "mistral.mixtral-8x7b-instruct-v0:1", body).chunks();
        assertThat(join(chunks, c -> c.at("/outputs/0/text").asText())).isEqualTo(textOf("mistral"));
        assertThat(field(chunks, c -> c.at("/outputs/0/stop_reason"))).containsExactly(null, null, "stop");
    }

    @Test
    void mistralLarge2407StreamsChatChoices() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + directive("mistral-chat") + "\"}]}";
        List<JsonNode> chunks =
                run("mistral-chat", "mistral.mistral-large-2407-v1:0", body).chunks();
        assertThat(join(chunks, c -> c.at("/choices/0/message/content").asText()))
                .isEqualTo(textOf("mistral-chat"));
        assertThat(field(chunks, c -> c.at("/choices/0/message/role"))).containsOnly("assistant");
        assertThat(field(chunks, c -> c.at("/choices/0/stop_reason"))).containsExactly(null, null, "stop");
    }

    @Test
    void cohereStreamsStartTextAndEnd() {
        String body = "{\"message\":\"" + directive("cohere") + "\",\"chat_history\":[],\"max_tokens\":512}";
        List<JsonNode> chunks =
                run("cohere", "cohere.command-r-plus-v1:0", body).chunks();
        assertThat(field(chunks, c -> c.get("event_type")))
                .containsExactly("stream-start", "text-generation", "text-generation", "text-generation", "stream-end");
        assertThat(field(chunks, c -> c.get("is_finished")))
                .containsExactly("false", "false", "false", "false", "true");
        assertThat(join(chunks.subList(1, 4), c -> c.get("text").asText())).isEqualTo(textOf("cohere"));
        assertThat(chunks.get(4).get("finish_reason").asText()).isEqualTo("COMPLETE");
        assertThat(chunks.get(4).at("/response/text").asText()).isEqualTo(textOf("cohere"));
    }

    @Test
    void jambaStreamsOpenAiStyleDeltas() {
        String body =
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + directive("jamba") + "\"}],\"max_tokens\":512}";
        List<JsonNode> chunks = run("jamba", "ai21.jamba-1-5-large-v1:0", body).chunks();
        assertThat(join(chunks, c -> c.at("/choices/0/delta/content").asText())).isEqualTo(textOf("jamba"));
        assertThat(field(chunks, c -> c.at("/choices/0/finish_reason"))).containsExactly(null, null, "stop");
        assertThat(chunks.get(2).at("/usage/completion_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void deepseekStreamsChoicesText() {
        String body = "{\"prompt\":\"" + directive("deepseek") + "\",\"max_tokens\":512}";
        List<JsonNode> chunks = run("deepseek", "us.deepseek.r1-v1:0", body).chunks();
        assertThat(join(chunks, c -> c.at("/choices/0/text").asText())).isEqualTo(textOf("deepseek"));
        assertThat(field(chunks, c -> c.at("/choices/0/stop_reason"))).containsExactly(null, null, "stop");
    }

    @Test
    void openAiGptOssStreamsChatCompletionChunks() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + directive("openai")
                + "\"}],\"max_completion_tokens\":512}";
        List<JsonNode> chunks = run("openai", "openai.gpt-oss-20b-1:0", body).chunks();
        assertThat(field(chunks, c -> c.get("object"))).containsOnly("chat.completion.chunk");
        assertThat(join(chunks, c -> c.at("/choices/0/delta/content").asText())).isEqualTo(textOf("openai"));
        assertThat(field(chunks, c -> c.at("/choices/0/finish_reason"))).containsExactly(null, null, "stop");
    }

    @Test
    void arnsAndProfilesResolveToTheirFamily() {
        String body = SdkHarness.claudeBody("[[emu words=2]] hi");
        for (String modelId : List.of(
                "arn:aws:bedrock:us-east-1::foundation-model/" + SdkHarness.CLAUDE,
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu." + SdkHarness.CLAUDE,
                "global." + SdkHarness.CLAUDE)) {
            SdkHarness.StreamResult result = SdkHarness.stream(client, modelId, body);
            assertThat(result.error()).as(modelId).isNull();
            assertThat(result.chunks()).as(modelId).hasSize(6);
        }
    }

    @Test
    void provisionedModelArnNeedsAFamilyDirective() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123";
        SdkHarness.StreamResult with =
                SdkHarness.stream(client, arn, "{\"prompt\":\"[[emu family=llama words=2]] hi\"}");
        assertThat(with.error()).isNull();
        assertThat(with.chunks().get(0).has("generation")).isTrue();
        SdkHarness.StreamResult without = SdkHarness.stream(client, arn, "{\"prompt\":\"hi\"}");
        assertThat(without.error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("The provided model identifier is invalid.");
    }

    @Test
    void unknownModelIsAValidationException() {
        SdkHarness.StreamResult result = SdkHarness.stream(client, "acme.unknown-model-v1", "{}");
        assertThat(result.error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("The provided model identifier is invalid.");
        assertThat(((ValidationException) result.error()).statusCode()).isEqualTo(400);
    }

    @Test
    void invalidBodiesAreRejectedPerFamily() {
        assertThat(SdkHarness.stream(
                                client,
                                SdkHarness.CLAUDE,
                                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("required key [max_tokens]");
        assertThat(SdkHarness.stream(
                                client,
                                SdkHarness.CLAUDE,
                                "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":5,\"messages\":[]}")
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("minimum item count: 1");
        assertThat(SdkHarness.stream(client, "amazon.titan-text-lite-v1", "{\"prompt\":\"x\"}")
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("required key [inputText]");
        assertThat(SdkHarness.stream(client, "cohere.command-r-v1:0", "not json")
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Malformed input request");
        assertThat(SdkHarness.stream(client, "mistral.mistral-large-2407-v1:0", "{\"prompt\":\"x\"}")
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("required key [messages]");
    }
}
