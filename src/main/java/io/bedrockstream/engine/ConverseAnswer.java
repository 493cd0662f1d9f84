package io.bedrockstream.engine;

import io.bedrockstream.model.ContentDelta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a completed ConverseStream invocation said besides its answer text: the reasoning (text and signature,
 * the signature kept even when it came in its own delta), redacted reasoning, and the tool calls with their
 * input JSON reassembled from its deltas in order.
 */
public record ConverseAnswer(
        String reasoning, String reasoningSignature, List<String> redactedReasoning, List<ToolCall> toolCalls) {

    /** One tool call; {@code input} is the JSON text as the model streamed it (the reader parses it). */
    public record ToolCall(String toolUseId, String name, String input) {}

    /** Collects one invocation's deltas; not thread-safe (the attempt's monitor guards it). */
    static final class Builder {
        private final StringBuilder reasoning = new StringBuilder();
        private final StringBuilder signature = new StringBuilder();
        private final List<String> redacted = new ArrayList<>();
        private final Map<Integer, ToolCallBuilder> tools = new LinkedHashMap<>();
        private boolean any;

        void add(ContentDelta d, String text) {
            any = true;
            switch (d.deltaType()) {
                case ContentDelta.REASONING -> reasoning.append(text == null ? "" : text);
                case ContentDelta.REASONING_SIGNATURE -> signature.append(d.payload() == null ? "" : d.payload());
                case ContentDelta.REASONING_REDACTED -> {
                    if (d.payload() != null) {
                        redacted.add(d.payload());
                    }
                }
                case ContentDelta.TOOL_USE ->
                    tools.computeIfAbsent(d.blockIndex(), i -> new ToolCallBuilder(d.toolUseId(), d.toolName()))
                            .input
                            .append(d.payload() == null ? "" : d.payload());
                default -> {}
            }
        }

        ConverseAnswer build() {
            if (!any) {
                return null;
            }
            List<ToolCall> calls = new ArrayList<>();
            tools.values().forEach(t -> calls.add(new ToolCall(t.id, t.name, t.input.toString())));
            return new ConverseAnswer(
                    reasoning.isEmpty() ? null : reasoning.toString(),
                    signature.isEmpty() ? null : signature.toString(),
                    List.copyOf(redacted),
                    List.copyOf(calls));
        }
    }

    private static final class ToolCallBuilder {
        final String id;
        final String name;
        final StringBuilder input = new StringBuilder();

        ToolCallBuilder(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }
}
