package io.bedrockstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * Builds each family's native request body from a plain prompt. Bodies are built as Jackson trees so
 * any prompt text is escaped correctly; parameters left null are left out, so the model's defaults apply
 * (except Anthropic's {@code max_tokens}, which the API requires).
 */
public final class PromptBodies {

    /** Anthropic requires {@code max_tokens}; used when the spec leaves it null. */
    public static final int ANTHROPIC_DEFAULT_MAX_TOKENS = 512;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PromptBodies() {}

    /** The UTF-8 JSON body for {@code InvokeModelWithResponseStream}. */
    public static byte[] build(ModelFamily family, PromptSpec spec) {
        return build(family, spec, false);
    }

    /**
     * As {@link #build(ModelFamily, PromptSpec)}; with {@code cacheSystemPrompt}, the system prompt is marked as a
     * prompt-cache point in the family's own form. Only Anthropic's Messages body has one the connector builds
     * ({@link #hasNativeCachePoint}): {@code "system":[{"type":"text","text":…,"cache_control":{"type":"ephemeral"}}]}.
     *
     * @throws IllegalArgumentException {@code cacheSystemPrompt} for a family without a native cache point
     */
    public static byte[] build(ModelFamily family, PromptSpec spec, boolean cacheSystemPrompt) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.prompt(), "spec.prompt");
        if (cacheSystemPrompt && !hasNativeCachePoint(family)) {
            throw new IllegalArgumentException("the " + family.configName() + " family has no prompt-cache point "
                    + "the connector can build in an InvokeModel body (only anthropic has one); use "
                    + "bedrock.api=converse, whose cachePoint works for every model that caches, or turn "
                    + "request.cache.system.prompt off");
        }
        ObjectNode body = switch (family) {
            case ANTHROPIC -> anthropic(spec, cacheSystemPrompt);
            case TITAN -> titan(spec);
            case NOVA -> nova(spec);
            case LLAMA -> llama(spec);
            case MISTRAL -> mistralText(spec);
            case MISTRAL_CHAT, JAMBA -> chat(spec, "max_tokens");
            case COHERE -> cohere(spec);
            case DEEPSEEK -> deepSeek(spec);
            case OPENAI -> chat(spec, "max_completion_tokens");
        };
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
        }
    }

    /** Whether {@link #build(ModelFamily, PromptSpec, boolean)} can mark the family's system prompt for caching. */
    public static boolean hasNativeCachePoint(ModelFamily family) {
        return family == ModelFamily.ANTHROPIC;
    }

    private static ObjectNode anthropic(PromptSpec spec, boolean cacheSystemPrompt) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("anthropic_version", "bedrock-2023-05-31");
        body.put("max_tokens", spec.maxTokens() != null ? spec.maxTokens() : ANTHROPIC_DEFAULT_MAX_TOKENS);
        if (hasSystem(spec) && cacheSystemPrompt) {
            // the block form: Messages' system takes a string or text blocks, and only a block carries cache_control
            body.putArray("system")
                    .addObject()
                    .put("type", "text")
                    .put("text", spec.systemPrompt())
                    .putObject("cache_control")
                    .put("type", "ephemeral");
        } else if (hasSystem(spec)) {
            body.put("system", spec.systemPrompt());
        }
        body.putArray("messages").addObject().put("role", "user").put("content", spec.prompt());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "top_p", spec.topP());
        putIfSet(body, "stop_sequences", spec.stopSequences());
        return body;
    }

    private static ObjectNode titan(PromptSpec spec) {
        ObjectNode body = MAPPER.createObjectNode();
        // Titan Text has no system role: the system prompt leads the input text
        body.put("inputText", hasSystem(spec) ? spec.systemPrompt() + "\n\n" + spec.prompt() : spec.prompt());
        ObjectNode config = MAPPER.createObjectNode();
        putIfSet(config, "maxTokenCount", spec.maxTokens());
        putIfSet(config, "temperature", spec.temperature());
        putIfSet(config, "topP", spec.topP());
        putIfSet(config, "stopSequences", spec.stopSequences());
        if (!config.isEmpty()) {
            body.set("textGenerationConfig", config);
        }
        return body;
    }

    private static ObjectNode nova(PromptSpec spec) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("schemaVersion", "messages-v1");
        if (hasSystem(spec)) {
            body.putArray("system").addObject().put("text", spec.systemPrompt());
        }
        ObjectNode message = body.putArray("messages").addObject().put("role", "user");
        message.putArray("content").addObject().put("text", spec.prompt());
        ObjectNode config = MAPPER.createObjectNode();
        putIfSet(config, "maxTokens", spec.maxTokens());
        putIfSet(config, "temperature", spec.temperature());
        putIfSet(config, "topP", spec.topP());
        putIfSet(config, "stopSequences", spec.stopSequences());
        if (!config.isEmpty()) {
            body.set("inferenceConfig", config);
        }
        return body;
    }

    /** Llama 3 chat template; Bedrock passes the prompt to the model verbatim. */
    private static ObjectNode llama(PromptSpec spec) {
        StringBuilder prompt = new StringBuilder("<|begin_of_text|>");
        if (hasSystem(spec)) {
            prompt.append("<|start_header_id|>system<|end_header_id|>\n\n")
                    .append(spec.systemPrompt())
                    .append("<|eot_id|>");
        }
        prompt.append("<|start_header_id|>user<|end_header_id|>\n\n")
                .append(spec.prompt())
                .append("<|eot_id|>")
                .append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        ObjectNode body = MAPPER.createObjectNode();
        body.put("prompt", prompt.toString());
        putIfSet(body, "max_gen_len", spec.maxTokens());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "top_p", spec.topP());
        return body;
    }

    /** Mistral instruct format; it has no system role, so the system prompt leads the instruction. */
    private static ObjectNode mistralText(PromptSpec spec) {
        String instruction = hasSystem(spec) ? spec.systemPrompt() + "\n\n" + spec.prompt() : spec.prompt();
        ObjectNode body = MAPPER.createObjectNode();
        body.put("prompt", "<s>[INST] " + instruction + " [/INST]");
        putIfSet(body, "max_tokens", spec.maxTokens());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "top_p", spec.topP());
        putIfSet(body, "stop", spec.stopSequences());
        return body;
    }

    /** Chat-completions style bodies (Mistral Large 2407, Jamba, gpt-oss) differ only in the max-tokens name. */
    private static ObjectNode chat(PromptSpec spec, String maxTokensField) {
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        if (hasSystem(spec)) {
            messages.addObject().put("role", "system").put("content", spec.systemPrompt());
        }
        messages.addObject().put("role", "user").put("content", spec.prompt());
        putIfSet(body, maxTokensField, spec.maxTokens());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "top_p", spec.topP());
        putIfSet(body, "stop", spec.stopSequences());
        return body;
    }

    private static ObjectNode cohere(PromptSpec spec) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("message", spec.prompt());
        if (hasSystem(spec)) {
            body.put("preamble", spec.systemPrompt());
        }
        putIfSet(body, "max_tokens", spec.maxTokens());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "p", spec.topP());
        putIfSet(body, "stop_sequences", spec.stopSequences());
        return body;
    }

    /** DeepSeek R1 prompt format as AWS documents it; the model opens its reasoning with {@code <think>}. */
    private static ObjectNode deepSeek(PromptSpec spec) {
        String prompt = "<｜begin▁of▁sentence｜>" + (hasSystem(spec) ? spec.systemPrompt() : "") + "<｜User｜>"
                + spec.prompt() + "<｜Assistant｜><think>\n";
        ObjectNode body = MAPPER.createObjectNode();
        body.put("prompt", prompt);
        putIfSet(body, "max_tokens", spec.maxTokens());
        putIfSet(body, "temperature", spec.temperature());
        putIfSet(body, "top_p", spec.topP());
        putIfSet(body, "stop", spec.stopSequences());
        return body;
    }

    private static boolean hasSystem(PromptSpec spec) {
        return spec.systemPrompt() != null && !spec.systemPrompt().isBlank();
    }

    private static void putIfSet(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfSet(ObjectNode node, String field, Double value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void putIfSet(ObjectNode node, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = node.putArray(field);
            values.forEach(array::add);
        }
    }
}
