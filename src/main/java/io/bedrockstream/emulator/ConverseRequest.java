package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A ConverseStream request body after the checks Bedrock makes before streaming (the SDK only sends modelled
 * members, so an unknown member means a hand-made request). Messages must alternate starting with a user turn.
 */
record ConverseRequest(RequestBody asBody, boolean guardrailTrace, String serviceTier) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MEMBERS = Set.of(
            "messages",
            "system",
            "inferenceConfig",
            "toolConfig",
            "guardrailConfig",
            "additionalModelRequestFields",
            "promptVariables",
            "additionalModelResponseFieldPaths",
            "requestMetadata",
            "performanceConfig",
            "serviceTier",
            "outputConfig");
    private static final Set<String> TIERS = Set.of("default", "priority", "flex", "reserved");

    static ConverseRequest parse(byte[] body) throws RequestBody.Invalid {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new RequestBody.Invalid("Malformed input request, please reformat your input and try again.");
        }
        if (root == null || !root.isObject()) {
            throw new RequestBody.Invalid("Malformed input request: expected a JSON object.");
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!MEMBERS.contains(name)) {
                throw new RequestBody.Invalid("Unknown member '" + name + "' in the Converse request.");
            }
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw new RequestBody.Invalid("A conversation must start with a user message. Try again with a"
                    + " conversation that starts with a user message.");
        }
        String expected = "user";
        for (JsonNode m : messages) {
            String role = m.path("role").asText("");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw new RequestBody.Invalid("1 validation error detected: Value '" + role + "' at"
                        + " 'messages.member.role' failed to satisfy constraint: Member must satisfy enum value"
                        + " set: [user, assistant]");
            }
            if (!role.equals(expected) && expected.equals("user") && m == messages.get(0)) {
                throw new RequestBody.Invalid("A conversation must start with a user message. Try again with a"
                        + " conversation that starts with a user message.");
            }
            if (!role.equals(expected)) {
                throw new RequestBody.Invalid("A conversation must alternate between user and assistant roles."
                        + " Make sure the conversation alternates between user and assistant roles and try again.");
            }
            expected = role.equals("user") ? "assistant" : "user";
            if (!m.path("content").isArray() || m.path("content").isEmpty()) {
                throw new RequestBody.Invalid("The content field in the Message object at messages.0 is empty."
                        + " Add a ContentBlock object to the content field and try again.");
            }
        }
        OptionalInt max = OptionalInt.empty();
        JsonNode maxTokens = root.path("inferenceConfig").path("maxTokens");
        if (!maxTokens.isMissingNode()) {
            if (!maxTokens.canConvertToInt() || maxTokens.intValue() < 1) {
                throw new RequestBody.Invalid("1 validation error detected: Value '" + maxTokens.asText()
                        + "' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value"
                        + " greater than or equal to 1");
            }
            max = OptionalInt.of(maxTokens.intValue());
        }
        String tier = root.path("serviceTier").path("type").asText(null);
        if (tier != null && !TIERS.contains(tier)) {
            throw new RequestBody.Invalid("Value '" + tier + "' at 'serviceTier.type' failed to satisfy"
                    + " constraint: Member must satisfy enum value set: " + TIERS);
        }
        JsonNode metadata = root.path("requestMetadata");
        if (metadata.size() > 16) {
            throw new RequestBody.Invalid("1 validation error detected: Value at 'requestMetadata' failed to satisfy"
                    + " constraint: Member must have length less than or equal to 16");
        }
        for (var it = metadata.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().matches("[a-zA-Z0-9\\s:_@$#=/+,.-]{1,256}")
                    || !e.getValue().asText().matches("[a-zA-Z0-9\\s:_@$#=/+,.-]{0,256}")) {
                throw new RequestBody.Invalid("1 validation error detected: Value at 'requestMetadata' failed to"
                        + " satisfy constraint: Map keys and values must match the pattern");
            }
        }
        List<String> texts = new ArrayList<>();
        collectTexts(root.path("system"), texts);
        collectTexts(messages, texts);
        boolean trace =
                root.path("guardrailConfig").path("trace").asText("disabled").startsWith("enabled");
        return new ConverseRequest(new RequestBody(String.join(" ", texts), max), trace, tier);
    }

    private static void collectTexts(JsonNode node, List<String> out) {
        if (node.isArray()) {
            node.forEach(n -> collectTexts(n, out));
        } else if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("text") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collectTexts(e.getValue(), out);
                }
            });
        }
    }
}
