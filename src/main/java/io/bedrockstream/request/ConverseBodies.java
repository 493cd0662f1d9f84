package io.bedrockstream.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bedrockstream.model.PromptSpec;
import io.bedrockstream.request.InvalidRequestException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Converse request bodies: built from a plain prompt (one format for every model, so no family is needed), and
 * the checks a record's own Converse request gets before it is sent. Member names are Bedrock's wire names;
 * the SDK-side conversion checks nested members too (by the SDK's model), so only the top level is checked here.
 */
final class ConverseBodies {

    /** The members of a ConverseStream request body (modelId travels in the path). */
    static final Set<String> MEMBERS = Set.of(
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

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConverseBodies() {}

    static byte[] fromPrompt(PromptSpec p, boolean cacheSystemPrompt) {
        ObjectNode body = F.objectNode();
        ObjectNode message = body.putArray("messages").addObject().put("role", "user");
        message.putArray("content").addObject().put("text", p.prompt());
        if (p.systemPrompt() != null && !p.systemPrompt().isBlank()) {
            var system = body.putArray("system");
            system.addObject().put("text", p.systemPrompt());
            if (cacheSystemPrompt) {
                system.addObject().putObject("cachePoint").put("type", "default");
            }
        }
        ObjectNode inference = F.objectNode();
        if (p.maxTokens() != null) {
            inference.put("maxTokens", p.maxTokens());
        }
        if (p.temperature() != null) {
            inference.put("temperature", p.temperature());
        }
        if (p.topP() != null) {
            inference.put("topP", p.topP());
        }
        if (!p.stopSequences().isEmpty()) {
            p.stopSequences().forEach(inference.putArray("stopSequences")::add);
        }
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the top level of a record's Converse request; names the member and what is allowed. */
    static void check(JsonNode body, String what) throws InvalidRequestException {
        if (!body.isObject()) {
            throw new InvalidRequestException(
                    Reason.NOT_JSON,
                    what + " is a JSON "
                            + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + ", but a Converse request is a JSON object");
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!MEMBERS.contains(name)) {
                throw new InvalidRequestException(
                        Reason.CONVERSE_MEMBER_UNKNOWN,
                        what + " has the member '"
                                + name + "', which a Converse request does not have"
                                + (name.equals("modelId")
                                        ? " in its body (set bedrock.model.id, or allow a model-override " + "header)"
                                        : "")
                                + "; its members are " + new java.util.TreeSet<>(MEMBERS));
            }
        }
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidRequestException(
                    Reason.CONVERSE_MEMBER_UNKNOWN,
                    what + " has no messages: a Converse request needs a non-empty messages array");
        }
    }
}
