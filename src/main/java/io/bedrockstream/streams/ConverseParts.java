package io.bedrockstream.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ConverseStream side of assembly. A typed delta is buffered as a NUL-prefixed JSON entry holding only
 * what the answer needs (kind, block, text, tool id/name, and the tool-input piece or signature taken from the
 * raw chunk), so plain InvokeModel entries (bare text) stay as they were. Assembly joins text, reasoning and
 * each tool block's input pieces in seq order; tool input is parsed once whole.
 */
final class ConverseParts {
    static final char TYPED = '\u0000';

    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder signature = new StringBuilder();
    private final Map<Integer, ObjectNode> tools = new LinkedHashMap<>();
    private final Map<Integer, StringBuilder> toolInputs = new LinkedHashMap<>();

    /** The store entry of one chunk record. */
    static String entry(ChunkRecord c) {
        if (c.deltaType() == null) {
            return c.text() == null ? "" : c.text();
        }
        ObjectNode e = Json.MAPPER.createObjectNode().put("t", c.deltaType());
        if (c.blockIndex() != null) {
            e.put("b", c.blockIndex());
        }
        if (c.text() != null) {
            e.put("x", c.text());
        }
        if (c.toolUseId() != null) {
            e.put("i", c.toolUseId());
        }
        if (c.toolName() != null) {
            e.put("n", c.toolName());
        }
        String piece = payload(c);
        if (piece != null) {
            e.put("p", piece);
        }
        return TYPED + e.toString();
    }

    private static String payload(ChunkRecord c) {
        if (c.chunk() == null) {
            return null;
        }
        JsonNode raw;
        try {
            raw = Json.readTree(c.chunk().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
        JsonNode v = switch (c.deltaType()) {
            case "tool_use" -> raw.at("/delta/toolUse/input");
            case "reasoning_signature" -> raw.at("/delta/reasoningContent/signature");
            default -> null;
        };
        return v == null || !v.isTextual() ? null : v.asText();
    }

    void add(String entry) {
        if (entry.isEmpty() || entry.charAt(0) != TYPED) {
            text.append(entry);
            return;
        }
        JsonNode e = Json.readTree(entry.substring(1).getBytes(StandardCharsets.UTF_8));
        String type = e.path("t").asText();
        String x = e.path("x").asText("");
        switch (type) {
            case "text" -> text.append(x);
            case "reasoning" -> reasoning.append(x);
            case "reasoning_signature" -> signature.append(e.path("p").asText(""));
            case "tool_use" -> {
                int block = e.path("b").asInt();
                tools.computeIfAbsent(
                        block,
                        b -> Json.MAPPER
                                .createObjectNode()
                                .put("tool_use_id", e.path("i").asText(null))
                                .put("name", e.path("n").asText(null)));
                toolInputs
                        .computeIfAbsent(block, b -> new StringBuilder())
                        .append(e.path("p").asText(""));
            }
            default -> {} // citations, redacted reasoning: in the chunk records, not in the answer
        }
    }

    String text() {
        return text.toString();
    }

    String reasoning() {
        return reasoning.isEmpty() ? null : reasoning.toString();
    }

    String signature() {
        return signature.isEmpty() ? null : signature.toString();
    }

    /** Each tool call with its input parsed; input that is not JSON is kept as text under {@code input_text}. */
    List<JsonNode> toolCalls() {
        List<JsonNode> out = new ArrayList<>();
        tools.forEach((block, call) -> {
            String input = toolInputs.get(block).toString();
            try {
                call.set(
                        "input",
                        input.isEmpty()
                                ? Json.MAPPER.createObjectNode()
                                : Json.readTree(input.getBytes(StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                call.put("input_text", input);
            }
            out.add(call);
        });
        return out;
    }
}
