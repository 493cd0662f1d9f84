package io.bedrockstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PromptBodiesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Quotes, backslashes, newlines, braces, placeholders, control and non-BMP characters. */
    private static final String NASTY = "Say \"hi\" \\ then }{\n\t${/x} </s> [/INST] <|eot_id|> \u0000 \u2028 é 😀";

    private static final PromptSpec PLAIN = new PromptSpec("hi", null, null, null, null, null);
    private static final PromptSpec FULL = new PromptSpec("hi", "be brief", 100, 0.5, 0.9, List.of("END", "STOP"));

    static JsonNode body(ModelFamily family, PromptSpec spec) throws IOException {
        return MAPPER.readTree(PromptBodies.build(family, spec));
    }

    static JsonNode json(String text) throws IOException {
        return MAPPER.readTree(text);
    }

    @Test
    void anthropic() throws IOException {
        assertThat(body(ModelFamily.ANTHROPIC, PLAIN)).isEqualTo(json("""
                {"anthropic_version":"bedrock-2023-05-31","max_tokens":512,
                 "messages":[{"role":"user","content":"hi"}]}"""));
        assertThat(body(ModelFamily.ANTHROPIC, FULL)).isEqualTo(json("""
                {"anthropic_version":"bedrock-2023-05-31","max_tokens":100,"system":"be brief",
                 "messages":[{"role":"user","content":"hi"}],
                 "temperature":0.5,"top_p":0.9,"stop_sequences":["END","STOP"]}"""));
    }

    @Test
    void anthropicWithACachedSystemPromptSendsItAsATextBlockWithCacheControl() throws IOException {
        assertThat(new String(
                        PromptBodies.build(ModelFamily.ANTHROPIC, FULL, true), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":100,"
                        + "\"system\":[{\"type\":\"text\",\"text\":\"be brief\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                        + "\"temperature\":0.5,\"top_p\":0.9,\"stop_sequences\":[\"END\",\"STOP\"]}");
        // no system prompt, nothing to cache: the body is the plain one
        assertThat(PromptBodies.build(ModelFamily.ANTHROPIC, PLAIN, true))
                .isEqualTo(PromptBodies.build(ModelFamily.ANTHROPIC, PLAIN));
        assertThat(PromptBodies.build(ModelFamily.ANTHROPIC, FULL, false))
                .isEqualTo(PromptBodies.build(ModelFamily.ANTHROPIC, FULL));
    }

    @ParameterizedTest
    @EnumSource(value = ModelFamily.class, names = "ANTHROPIC", mode = EnumSource.Mode.EXCLUDE)
    void familiesWithoutANativeCachePointRefuseToCacheNamingTheFamily(ModelFamily family) {
        assertThat(PromptBodies.hasNativeCachePoint(family)).isFalse();
        assertThatThrownBy(() -> PromptBodies.build(family, FULL, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the " + family.configName() + " family has no prompt-cache point")
                .hasMessageContaining("bedrock.api=converse");
    }

    @Test
    void titan() throws IOException {
        assertThat(body(ModelFamily.TITAN, PLAIN)).isEqualTo(json("{\"inputText\":\"hi\"}"));
        assertThat(body(ModelFamily.TITAN, FULL)).isEqualTo(json("""
                {"inputText":"be brief\\n\\nhi",
                 "textGenerationConfig":{"maxTokenCount":100,"temperature":0.5,"topP":0.9,"stopSequences":["END","STOP"]}}"""));
    }

    @Test
    void nova() throws IOException {
        assertThat(body(ModelFamily.NOVA, PLAIN)).isEqualTo(json("""
                {"schemaVersion":"messages-v1","messages":[{"role":"user","content":[{"text":"hi"}]}]}"""));
        assertThat(body(ModelFamily.NOVA, FULL)).isEqualTo(json("""
                {"schemaVersion":"messages-v1","system":[{"text":"be brief"}],
                 "messages":[{"role":"user","content":[{"text":"hi"}]}],
                 "inferenceConfig":{"maxTokens":100,"temperature":0.5,"topP":0.9,"stopSequences":["END","STOP"]}}"""));
    }

    @Test
    void llama3Template() throws IOException {
        assertThat(body(ModelFamily.LLAMA, PLAIN))
                .isEqualTo(MAPPER.createObjectNode()
                        .put(
                                "prompt",
                                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                                        + "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        assertThat(body(ModelFamily.LLAMA, FULL))
                .isEqualTo(MAPPER.createObjectNode()
                        .put(
                                "prompt",
                                "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nbe brief<|eot_id|>"
                                        + "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                                        + "<|start_header_id|>assistant<|end_header_id|>\n\n")
                        .put("max_gen_len", 100)
                        .put("temperature", 0.5)
                        .put("top_p", 0.9));
    }

    @Test
    void mistralText() throws IOException {
        assertThat(body(ModelFamily.MISTRAL, PLAIN)).isEqualTo(json("{\"prompt\":\"<s>[INST] hi [/INST]\"}"));
        assertThat(body(ModelFamily.MISTRAL, FULL)).isEqualTo(json("""
                {"prompt":"<s>[INST] be brief\\n\\nhi [/INST]","max_tokens":100,"temperature":0.5,"top_p":0.9,
                 "stop":["END","STOP"]}"""));
    }

    @Test
    void mistralChat() throws IOException {
        assertThat(body(ModelFamily.MISTRAL_CHAT, PLAIN)).isEqualTo(json("""
                {"messages":[{"role":"user","content":"hi"}]}"""));
        assertThat(body(ModelFamily.MISTRAL_CHAT, FULL)).isEqualTo(json("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],
                 "max_tokens":100,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]}"""));
    }

    @Test
    void cohere() throws IOException {
        assertThat(body(ModelFamily.COHERE, PLAIN)).isEqualTo(json("{\"message\":\"hi\"}"));
        assertThat(body(ModelFamily.COHERE, FULL)).isEqualTo(json("""
                {"message":"hi","preamble":"be brief","max_tokens":100,"temperature":0.5,"p":0.9,
                 "stop_sequences":["END","STOP"]}"""));
    }

    @Test
    void jamba() throws IOException {
        assertThat(body(ModelFamily.JAMBA, FULL)).isEqualTo(json("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],
                 "max_tokens":100,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]}"""));
    }

    @Test
    void deepSeek() throws IOException {
        assertThat(body(ModelFamily.DEEPSEEK, PLAIN))
                .isEqualTo(MAPPER.createObjectNode()
                        .put("prompt", "<｜begin▁of▁sentence｜><｜User｜>hi<｜Assistant｜><think>\n"));
        assertThat(body(ModelFamily.DEEPSEEK, FULL)).isEqualTo(json("""
                {"prompt":"<｜begin▁of▁sentence｜>be brief<｜User｜>hi<｜Assistant｜><think>\\n",
                 "max_tokens":100,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]}"""));
    }

    @Test
    void openAi() throws IOException {
        assertThat(body(ModelFamily.OPENAI, FULL)).isEqualTo(json("""
                {"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hi"}],
                 "max_completion_tokens":100,"temperature":0.5,"top_p":0.9,"stop":["END","STOP"]}"""));
    }

    @ParameterizedTest
    @EnumSource(ModelFamily.class)
    void awkwardTextRoundTripsExactly(ModelFamily family) throws IOException {
        PromptSpec spec = new PromptSpec(NASTY, NASTY + "!", 10, null, null, List.of(NASTY));
        JsonNode body = body(family, spec);
        String prompt = promptText(family, body);
        assertThat(prompt).contains(NASTY);
        assertThat(texts(body)).anyMatch(t -> t.contains(NASTY + "!")); // the system prompt
        if (family != ModelFamily.LLAMA) { // Llama on Bedrock takes no stop sequences
            assertThat(texts(body)).contains(NASTY);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelFamily.class)
    void blankSystemPromptIsLeftOut(ModelFamily family) throws IOException {
        assertThat(body(family, new PromptSpec("hi", "  ", null, null, null, null)))
                .isEqualTo(body(family, PLAIN));
    }

    @Test
    void nullPromptIsRefused() {
        assertThatThrownBy(() ->
                        PromptBodies.build(ModelFamily.ANTHROPIC, new PromptSpec(null, null, null, null, null, null)))
                .isInstanceOf(NullPointerException.class);
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        if (node.isTextual()) {
            out.add(node.textValue());
        }
        node.forEach(child -> out.addAll(texts(child)));
        return out;
    }

    /** Where each family's body carries the user's text. */
    private static String promptText(ModelFamily family, JsonNode body) {
        return switch (family) {
            case ANTHROPIC, MISTRAL_CHAT, JAMBA, OPENAI ->
                body.at("/messages")
                        .get(body.at("/messages").size() - 1)
                        .at("/content")
                        .textValue();
            case TITAN -> body.at("/inputText").textValue();
            case NOVA -> body.at("/messages/0/content/0/text").textValue();
            case LLAMA, MISTRAL, DEEPSEEK -> body.at("/prompt").textValue();
            case COHERE -> body.at("/message").textValue();
        };
    }

    @Test
    void userTextIsExactlyThePromptWhereTheFamilyHasAField() throws IOException {
        PromptSpec spec = new PromptSpec(NASTY, null, null, null, null, null);
        assertThat(body(ModelFamily.ANTHROPIC, spec).at("/messages/0/content").textValue())
                .isEqualTo(NASTY);
        assertThat(body(ModelFamily.NOVA, spec).at("/messages/0/content/0/text").textValue())
                .isEqualTo(NASTY);
        assertThat(body(ModelFamily.COHERE, spec).at("/message").textValue()).isEqualTo(NASTY);
        assertThat(body(ModelFamily.TITAN, spec).at("/inputText").textValue()).isEqualTo(NASTY);
        assertThat(body(ModelFamily.OPENAI, spec).at("/messages/0/content").textValue())
                .isEqualTo(NASTY);
        assertThat(body(ModelFamily.MISTRAL, spec).at("/prompt").textValue())
                .isEqualTo("<s>[INST] " + NASTY + " [/INST]");
    }
}
