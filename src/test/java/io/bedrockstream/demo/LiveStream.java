package io.bedrockstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Prints the output topics as they fill: text deltas appear as soon as their chunk record arrives, after a
 * {@code [req-1 claude]} tag. Consecutive deltas of one request share a line; when another request's delta
 * arrives a new tagged line starts — readable in a terminal and in a log file alike.
 */
public final class LiveStream {

    public static final String DLQ_MESSAGE_HEADER = "__connect.errors.exception.message";
    public static final String DLQ_CLASS_HEADER = "__connect.errors.exception.class.name";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Map<String, RequestProgress> progress = new LinkedHashMap<>();
    private final int tagWidth;
    private String lineOwner;

    public LiveStream(PrintStream out, List<DemoRequest> requests) {
        this.out = out;
        int width = 0;
        for (DemoRequest request : requests) {
            progress.put(request.id(), new RequestProgress(request));
            width = Math.max(width, request.id().length() + 1 + request.tag().length());
        }
        this.tagWidth = width;
    }

    public void produced(String requestId, long nanos) {
        progress.get(requestId).produced(nanos);
    }

    /** A record of the chunk topic: a chunk, or a complete or error terminal. */
    public void onChunkRecord(ConsumerRecord<String, String> record, long nanos) {
        JsonNode value = parse(record.value());
        String requestId = value.path("request_id").asText(record.key());
        RequestProgress request = progress.get(requestId);
        if (request == null) {
            return; // not one of the requests this run sent
        }
        String invocation = value.path("invocation_id").asText();
        int attempt = value.path("attempt").asInt();
        switch (value.path("event").asText()) {
            case "chunk" -> {
                request.chunk(invocation, attempt, nanos);
                String deltaType = textOrNull(value, "delta_type");
                JsonNode text = value.path("text");
                if (deltaType != null && !deltaType.equals("text")) {
                    converseDelta(request, invocation, deltaType, value);
                } else if (text.isTextual() && !text.asText().isEmpty()) {
                    printDelta(request, text.asText());
                }
            }
            case "complete" -> {
                request.complete(
                        invocation,
                        attempt,
                        textOrNull(value, "model_id"),
                        textOrNull(value, "stop_reason"),
                        longOrNull(value, "output_tokens"),
                        longOrNull(value, "first_byte_latency_ms"),
                        longOrNull(value, "invocation_latency_ms"),
                        nanos);
                line("= " + requestId + " complete (attempt " + attempt + ", " + request.chunks() + " chunks"
                        + (request.outputTokens() == null ? "" : ", " + request.outputTokens() + " tokens out")
                        + (request.stopReason() == null ? "" : ", stop " + request.stopReason()) + ")");
                printConverseSummary(request);
            }
            case "error" -> {
                request.error(attempt);
                boolean retrying = value.path("retrying").asBoolean(false);
                String message = textOrNull(value, "error_message");
                line("! " + requestId + " attempt " + attempt + " "
                        + value.path("error_type").asText("error")
                        + (retrying ? ", retrying" : ": " + (message == null ? "no retry" : message) + " (no retry)"));
            }
            default -> line("? " + requestId + " unexpected event " + value.path("event"));
        }
    }

    /** A record of the completions topic: one per completed request. */
    public void onCompletionRecord(ConsumerRecord<String, String> record) {
        String requestId = parse(record.value()).path("request_id").asText(record.key());
        RequestProgress request = progress.get(requestId);
        if (request != null) {
            request.completionRecord();
        }
    }

    /** A record of the dead-letter topic: the original request, with Connect's error context headers. */
    public void onDeadLetter(ConsumerRecord<String, String> record, long nanos) {
        RequestProgress request = progress.get(record.key());
        String reason = header(record, DLQ_MESSAGE_HEADER);
        String type = header(record, DLQ_CLASS_HEADER);
        if (request != null) {
            request.deadLettered(reason, nanos);
        }
        line("x " + record.key() + " dead-lettered: " + (reason == null ? "(no reason header)" : reason)
                + (type == null ? "" : " [" + type + "]"));
    }

    public boolean allDone() {
        return progress.values().stream().allMatch(RequestProgress::done);
    }

    public List<RequestProgress> progress() {
        return List.copyOf(progress.values());
    }

    public List<String> pending() {
        List<String> pending = new ArrayList<>();
        progress.values().stream()
                .filter(p -> !p.done())
                .forEach(p -> pending.add(p.request().id()));
        return pending;
    }

    /** Ends a half-written delta line, so whatever follows starts on its own line. */
    public void finishLine() {
        if (lineOwner != null) {
            out.println();
            lineOwner = null;
        }
        out.flush();
    }

    private void printDelta(RequestProgress request, String text) {
        printDelta(request, request.request().id(), "", text);
    }

    /**
     * Prints {@code text} on the line {@code owner} holds (a request's answer, or one of its Converse content
     * blocks), starting a new tagged line, led by {@code label}, when another owner had the line.
     */
    private void printDelta(RequestProgress request, String owner, String label, String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0 || !owner.equals(lineOwner)) {
                finishLine();
                out.print(prefix(request.request()) + (i == 0 ? label : ""));
                lineOwner = owner;
            }
            out.print(lines[i]);
        }
        out.flush();
    }

    /**
     * A ConverseStream delta other than answer text, shown as it arrives: reasoning text after "thinking:", the
     * reasoning signature (kept, in a delta of its own), tool input JSON fragments after the tool's name.
     */
    private void converseDelta(RequestProgress request, String invocation, String deltaType, JsonNode value) {
        String id = request.request().id();
        int block = value.path("block_index").asInt();
        JsonNode delta = parse(textOrNull(value, "chunk")).path("delta");
        String owner = id + "#" + invocation + "#" + block;
        switch (deltaType) {
            case "reasoning" -> {
                String text = value.path("text").asText("");
                request.reasoning(invocation, text);
                printDelta(request, owner, "thinking: ", text);
            }
            case "reasoning_signature" -> {
                String signature =
                        delta.path("reasoningContent").path("signature").asText(null);
                request.reasoningSignature(invocation, signature);
                tagged(request, "signature: " + signature + " (kept with the reasoning)");
            }
            case "reasoning_redacted" ->
                tagged(
                        request,
                        "redacted reasoning ("
                                + delta.path("reasoningContent")
                                        .path("redactedContent")
                                        .asText("")
                                        .length() + " base64 chars, kept)");
            case "tool_use" -> {
                String name = textOrNull(value, "tool_name");
                String toolUseId = textOrNull(value, "tool_use_id");
                String fragment = delta.path("toolUse").path("input").asText("");
                request.toolInput(invocation, block, name, toolUseId, fragment);
                printDelta(request, owner, "tool " + name + " (" + toolUseId + ") input: ", fragment);
            }
            case "citation" ->
                tagged(
                        request,
                        "citation: " + delta.path("citation").path("title").asText("?"));
            default -> tagged(request, deltaType + " delta");
        }
    }

    /** After a Converse request's complete line: its tool calls, input reassembled and parsed, and its reasoning. */
    private void printConverseSummary(RequestProgress request) {
        for (RequestProgress.ToolCall call : request.toolCalls()) {
            String input;
            try {
                input = JSON.writeValueAsString(JSON.readTree(call.input()));
            } catch (IOException e) {
                input = "(not JSON: " + call.input() + ")";
            }
            line("  tool call " + call.name() + " " + input);
        }
        if (!request.reasoning().isEmpty()) {
            line("  reasoning: " + request.reasoning().length() + " chars, signature "
                    + (request.reasoningSignature() == null
                            ? "missing"
                            : "kept (" + request.reasoningSignature().length() + " chars)"));
        }
    }

    private void tagged(RequestProgress request, String text) {
        finishLine();
        out.println(prefix(request.request()) + text);
        out.flush();
    }

    private void line(String text) {
        finishLine();
        out.println(text);
        out.flush();
    }

    private String prefix(DemoRequest request) {
        String tag = request.id() + " " + request.tag();
        return "[" + tag + " ".repeat(tagWidth - tag.length()) + "] ";
    }

    private static JsonNode parse(String value) {
        if (value == null) {
            return JSON.nullNode();
        }
        try {
            JsonNode node = JSON.readTree(value);
            // a JsonConverter with schemas on wraps the value as {"schema":…, "payload":…}
            return node.has("payload") && node.has("schema") ? node.get("payload") : node;
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }

    private static Long longOrNull(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? value.asLong() : null;
    }
}
