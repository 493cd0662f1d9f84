package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The ConverseStream events of one generation, each as {@code {"<event type>": payload}}, in the order
 * Bedrock sends them: messageStart, content blocks (start / deltas / stop), messageStop, metadata. Which
 * blocks appear is chosen by directives: {@code reasoning=N} (N reasoning words, then a separate signature
 * delta), {@code redacted=1}, {@code citation=1} (a citation delta in the text block), {@code tool=<name>}
 * (a tool-use block whose input JSON is split over several deltas), {@code guardrail=intervene},
 * {@code cache_read=N} / {@code cache_write=N}. The metadata's latencyMs is filled in when it is sent.
 */
final class ConverseScript {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** The tool input every emulated tool call carries, so tests can check the reassembly. */
    static final String TOOL_INPUT = "{\"location\":\"Paris, \\\"FR\\\"\",\"unit\":\"celsius\",\"days\":[1,2]}";

    static final String SIGNATURE = "ErUBCkgIARABGAIiQM0c2ZmFhNzE=";
    static final String GUARDRAIL_TEXT = "Sorry, the model cannot answer this question.";

    private ConverseScript() {}

    static List<ObjectNode> events(Generation g, Directives d, ConverseRequest request) {
        List<ObjectNode> out = new ArrayList<>();
        out.add(wrap("messageStart", F.objectNode().put("role", "assistant")));
        int block = 0;
        boolean guardrail = "intervene".equals(d.string("guardrail"));
        int reasoningWords = d.integer("reasoning").orElse(0);
        if (reasoningWords > 0 && !guardrail) {
            List<String> words = new ArrayList<>();
            for (int i = 0; i < reasoningWords; i++) {
                words.add(Generation.VOCABULARY.get(g.random.nextInt(Generation.VOCABULARY.size())));
            }
            for (int from = 0; from < words.size(); from += g.perChunk) {
                String piece = String.join(" ", words.subList(from, Math.min(words.size(), from + g.perChunk)));
                out.add(delta(
                        block,
                        F.objectNode()
                                .set("reasoningContent", F.objectNode().put("text", from == 0 ? piece : " " + piece))));
            }
            out.add(delta(
                    block, F.objectNode().set("reasoningContent", F.objectNode().put("signature", SIGNATURE))));
            out.add(stop(block++));
        }
        if (d.integer("redacted").orElse(0) > 0 && !guardrail) {
            String secret = Base64.getEncoder().encodeToString("redacted-thinking".getBytes(StandardCharsets.UTF_8));
            out.add(delta(
                    block, F.objectNode().set("reasoningContent", F.objectNode().put("redactedContent", secret))));
            out.add(stop(block++));
        }
        List<String> texts = guardrail ? List.of(GUARDRAIL_TEXT) : g.deltas;
        if (!texts.isEmpty()) {
            for (String t : texts) {
                out.add(delta(block, F.objectNode().put("text", t)));
            }
            if (d.integer("citation").orElse(0) > 0 && !guardrail) {
                ObjectNode citation = F.objectNode().put("title", "Emulated source");
                citation.putArray("sourceContent").addObject().put("text", "the quoted passage");
                citation.putObject("location")
                        .putObject("documentChar")
                        .put("documentIndex", 0)
                        .put("start", 0)
                        .put("end", 18);
                out.add(delta(block, F.objectNode().set("citation", citation)));
            }
            out.add(stop(block++));
        }
        String tool = d.string("tool");
        if (tool != null && !guardrail) {
            ObjectNode start = F.objectNode();
            start.putObject("toolUse")
                    .put("toolUseId", "tooluse_" + g.randomId(22))
                    .put("name", tool);
            out.add(wrap(
                    "contentBlockStart",
                    F.objectNode().put("contentBlockIndex", block).set("start", start)));
            int step = Math.max(4, TOOL_INPUT.length() / 5);
            for (int from = 0; from < TOOL_INPUT.length(); from += step) {
                String piece = TOOL_INPUT.substring(from, Math.min(TOOL_INPUT.length(), from + step));
                out.add(delta(
                        block, F.objectNode().set("toolUse", F.objectNode().put("input", piece))));
            }
            out.add(stop(block++));
        }
        String stopReason = guardrail
                ? "guardrail_intervened"
                : tool != null ? "tool_use" : g.truncated ? "max_tokens" : "end_turn";
        out.add(wrap("messageStop", F.objectNode().put("stopReason", stopReason)));
        ObjectNode metadata = F.objectNode();
        int outTokens = g.outputTokens() + reasoningWords;
        ObjectNode usage = metadata.putObject("usage")
                .put("inputTokens", g.inputTokens)
                .put("outputTokens", outTokens)
                .put("totalTokens", g.inputTokens + outTokens);
        d.integer("cache_read").ifPresent(n -> usage.put("cacheReadInputTokens", n));
        d.integer("cache_write").ifPresent(n -> usage.put("cacheWriteInputTokens", n));
        metadata.putObject("metrics").put("latencyMs", 0);
        if (guardrail && request.guardrailTrace()) {
            ObjectNode trace = metadata.putObject("trace").putObject("guardrail");
            trace.putObject("inputAssessment")
                    .putObject("emulated-guardrail")
                    .putObject("contentPolicy")
                    .putArray("filters")
                    .addObject()
                    .put("type", "VIOLENCE")
                    .put("confidence", "HIGH")
                    .put("action", "BLOCKED");
        }
        if (request.serviceTier() != null) {
            metadata.putObject("serviceTier").put("type", request.serviceTier());
        }
        out.add(wrap("metadata", metadata));
        return out;
    }

    /** The event type of a scripted event (its only field name). */
    static String type(ObjectNode event) {
        return event.fieldNames().next();
    }

    private static ObjectNode wrap(String type, JsonNode payload) {
        ObjectNode e = F.objectNode();
        e.set(type, payload);
        return e;
    }

    private static ObjectNode delta(int block, ObjectNode delta) {
        return wrap(
                "contentBlockDelta",
                F.objectNode().put("contentBlockIndex", block).set("delta", delta));
    }

    private static ObjectNode stop(int block) {
        return wrap("contentBlockStop", F.objectNode().put("contentBlockIndex", block));
    }
}
