package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A family's request body after validation: the prompt text (for token counting) and the max-tokens
 * limit, if the request sets one.
 */
record RequestBody(String promptText, OptionalInt maxTokens) {

    /** Rejected input; the message is what the client sees in the ValidationException. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    static RequestBody parse(Family family, byte[] body) throws Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new Invalid("Malformed input request, please reformat your input and try again.");
        }
        if (root == null || !root.isObject()) {
            throw new Invalid("Malformed input request: expected type: JSONObject, please reformat your input"
                    + " and try again.");
        }
        return switch (family) {
            case ANTHROPIC -> {
                require(root, "anthropic_version");
                require(root, "max_tokens");
                requireMessages(root);
                checkAnthropicSystem(root.get("system"));
                yield new RequestBody(
                        join(texts(root.get("system")), texts(root.get("messages"))), intField(root, "max_tokens"));
            }
            case TITAN -> {
                require(root, "inputText");
                yield new RequestBody(
                        root.get("inputText").asText(), intField(root.path("textGenerationConfig"), "maxTokenCount"));
            }
            case NOVA -> {
                requireMessages(root);
                OptionalInt max = intField(root.path("inferenceConfig"), "maxTokens");
                if (max.isEmpty()) {
                    max = intField(root.path("inferenceConfig"), "max_new_tokens");
                }
                if (max.isEmpty()) {
                    max = intField(root, "max_new_tokens");
                }
                yield new RequestBody(join(texts(root.get("system")), texts(root.get("messages"))), max);
            }
            case LLAMA -> {
                require(root, "prompt");
                yield new RequestBody(root.get("prompt").asText(), intField(root, "max_gen_len"));
            }
            case MISTRAL, DEEPSEEK -> {
                require(root, "prompt");
                yield new RequestBody(root.get("prompt").asText(), intField(root, "max_tokens"));
            }
            case MISTRAL_CHAT, JAMBA -> {
                requireMessages(root);
                yield new RequestBody(texts(root.get("messages")), intField(root, "max_tokens"));
            }
            case COHERE -> {
                require(root, "message");
                yield new RequestBody(root.get("message").asText(), intField(root, "max_tokens"));
            }
            case OPENAI -> {
                requireMessages(root);
                OptionalInt max = intField(root, "max_completion_tokens");
                yield new RequestBody(
                        texts(root.get("messages")), max.isPresent() ? max : intField(root, "max_tokens"));
            }
        };
    }

    /** Input tokens: the whitespace-separated word count of the prompt text. */
    int inputTokens() {
        String trimmed = promptText.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static void require(JsonNode root, String field) throws Invalid {
        if (!root.hasNonNull(field)) {
            throw new Invalid("Malformed input request: #: required key [" + field
                    + "] not found, please reformat your input and try again.");
        }
    }

    /**
     * Anthropic's {@code system}: a string, or a list of text blocks, each of which may carry
     * {@code cache_control} {@code {"type":"ephemeral"}} (with an optional {@code ttl} of 5m or 1h).
     */
    private static void checkAnthropicSystem(JsonNode system) throws Invalid {
        if (system == null || system.isNull() || system.isTextual()) {
            return;
        }
        if (!system.isArray()) {
            throw new Invalid("Malformed input request: #/system: expected type: String or JSONArray, found: "
                    + system.getNodeType() + ", please reformat your input and try again.");
        }
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String at = "#/system/" + i;
            if (!block.isObject()
                    || !"text".equals(block.path("type").asText(null))
                    || !block.path("text").isTextual()) {
                throw new Invalid("Malformed input request: " + at + ": a system block needs type \"text\" and a "
                        + "string text, please reformat your input and try again.");
            }
            JsonNode cache = block.get("cache_control");
            if (cache != null
                    && (!cache.isObject()
                            || !"ephemeral".equals(cache.path("type").asText(null))
                            || cache.has("ttl")
                                    && !java.util.Set.of("5m", "1h")
                                            .contains(cache.get("ttl").asText()))) {
                throw new Invalid("Malformed input request: " + at + "/cache_control: expected {\"type\":"
                        + "\"ephemeral\"} (ttl 5m or 1h), please reformat your input and try again.");
            }
        }
    }

    private static void requireMessages(JsonNode root) throws Invalid {
        require(root, "messages");
        JsonNode messages = root.get("messages");
        if (!messages.isArray()) {
            throw new Invalid("Malformed input request: #/messages: expected type: JSONArray, found: "
                    + messages.getNodeType() + ", please reformat your input and try again.");
        }
        if (messages.isEmpty()) {
            throw new Invalid("Malformed input request: #/messages: expected minimum item count: 1, found: 0,"
                    + " please reformat your input and try again.");
        }
    }

    private static OptionalInt intField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.canConvertToInt() ? OptionalInt.of(v.intValue()) : OptionalInt.empty();
    }

    /** Every string in a messages/system tree except structural keys (role, type). */
    private static String texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, null, out);
        return String.join(" ", out);
    }

    private static void collect(JsonNode node, String key, List<String> out) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            if (!"role".equals(key) && !"type".equals(key)) {
                out.add(node.asText());
            }
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, key, out));
        } else if (node.isObject()) {
            node.properties().forEach(e -> collect(e.getValue(), e.getKey(), out));
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + " " + b;
    }
}
