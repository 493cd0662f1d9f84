package io.bedrockstream.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the demo has seen of one request on the output, completions and dead-letter topics. */
public final class RequestProgress {

    public enum Status {
        PENDING,
        COMPLETE,
        DEAD_LETTERED
    }

    /** A ConverseStream tool call as its deltas arrive: the input JSON is the concatenation of the fragments. */
    public static final class ToolCall {
        private final String name;
        private final String toolUseId;
        private final StringBuilder input = new StringBuilder();

        ToolCall(String name, String toolUseId) {
            this.name = name;
            this.toolUseId = toolUseId;
        }

        public String name() {
            return name;
        }

        public String toolUseId() {
            return toolUseId;
        }

        public String input() {
            return input.toString();
        }
    }

    /** What the Converse deltas of one invocation carried besides answer text. */
    private static final class ConverseParts {
        final Map<Integer, ToolCall> toolCalls = new LinkedHashMap<>();
        final StringBuilder reasoning = new StringBuilder();
        String signature;
    }

    private final DemoRequest request;
    private final Map<String, Integer> chunksByInvocation = new HashMap<>();
    private final Map<String, ConverseParts> converseByInvocation = new HashMap<>();
    private long producedAtNanos;
    private long firstChunkAtNanos;
    private long terminalAtNanos;
    private int attempts;
    private Status status = Status.PENDING;
    private String completedInvocation;
    private String modelId;
    private String stopReason;
    private Long outputTokens;
    private Long firstByteLatencyMs;
    private Long invocationLatencyMs;
    private boolean completionRecord;
    private String deadLetterReason;

    RequestProgress(DemoRequest request) {
        this.request = request;
        this.modelId = request.model();
    }

    void produced(long nanos) {
        producedAtNanos = nanos;
    }

    void chunk(String invocationId, int attempt, long nanos) {
        attempts = Math.max(attempts, attempt);
        chunksByInvocation.merge(invocationId, 1, Integer::sum);
        if (firstChunkAtNanos == 0) {
            firstChunkAtNanos = nanos;
        }
    }

    /** A tool-input fragment of block {@code block}; the block's first one names the tool. */
    void toolInput(String invocationId, int block, String name, String toolUseId, String fragment) {
        converse(invocationId)
                .toolCalls
                .computeIfAbsent(block, b -> new ToolCall(name, toolUseId))
                .input
                .append(fragment == null ? "" : fragment);
    }

    void reasoning(String invocationId, String text) {
        converse(invocationId).reasoning.append(text == null ? "" : text);
    }

    void reasoningSignature(String invocationId, String signature) {
        converse(invocationId).signature = signature;
    }

    private ConverseParts converse(String invocationId) {
        return converseByInvocation.computeIfAbsent(invocationId, k -> new ConverseParts());
    }

    /** The tool calls of the invocation that completed (none before it completes), in block order. */
    public List<ToolCall> toolCalls() {
        ConverseParts parts = completedInvocation == null ? null : converseByInvocation.get(completedInvocation);
        return parts == null ? List.of() : new ArrayList<>(parts.toolCalls.values());
    }

    /** The reasoning text of the invocation that completed; empty if it had none. */
    public String reasoning() {
        ConverseParts parts = completedInvocation == null ? null : converseByInvocation.get(completedInvocation);
        return parts == null ? "" : parts.reasoning.toString();
    }

    /** The reasoning signature of the invocation that completed, or null. */
    public String reasoningSignature() {
        ConverseParts parts = completedInvocation == null ? null : converseByInvocation.get(completedInvocation);
        return parts == null ? null : parts.signature;
    }

    void error(int attempt) {
        attempts = Math.max(attempts, attempt);
    }

    void complete(
            String invocationId,
            int attempt,
            String modelId,
            String stopReason,
            Long outputTokens,
            Long firstByteLatencyMs,
            Long invocationLatencyMs,
            long nanos) {
        attempts = Math.max(attempts, attempt);
        completedInvocation = invocationId;
        this.modelId = modelId == null ? this.modelId : modelId;
        this.stopReason = stopReason;
        this.outputTokens = outputTokens;
        this.firstByteLatencyMs = firstByteLatencyMs;
        this.invocationLatencyMs = invocationLatencyMs;
        terminalAtNanos = nanos;
        status = Status.COMPLETE;
    }

    void deadLettered(String reason, long nanos) {
        deadLetterReason = reason;
        terminalAtNanos = nanos;
        status = Status.DEAD_LETTERED;
    }

    void completionRecord() {
        completionRecord = true;
    }

    public DemoRequest request() {
        return request;
    }

    public Status status() {
        return status;
    }

    public boolean done() {
        return status != Status.PENDING;
    }

    public int attempts() {
        return attempts;
    }

    public String modelId() {
        return modelId;
    }

    /** Chunks of the invocation that completed (earlier, failed attempts not counted); else of all attempts. */
    public int chunks() {
        if (completedInvocation != null) {
            return chunksByInvocation.getOrDefault(completedInvocation, 0);
        }
        return chunksByInvocation.values().stream().mapToInt(Integer::intValue).sum();
    }

    public String stopReason() {
        return stopReason;
    }

    public Long outputTokens() {
        return outputTokens;
    }

    public Long firstByteLatencyMs() {
        return firstByteLatencyMs;
    }

    /** From sending the request record to the first chunk record arriving here, through Kafka and Connect. */
    public Long firstChunkMs() {
        return firstChunkAtNanos == 0 || producedAtNanos == 0
                ? null
                : (firstChunkAtNanos - producedAtNanos) / 1_000_000;
    }

    /** From sending the request record to its terminal record (or dead letter) arriving here. */
    public Long totalMs() {
        return terminalAtNanos == 0 || producedAtNanos == 0 ? null : (terminalAtNanos - producedAtNanos) / 1_000_000;
    }

    /** Output tokens per second of the completed invocation (Bedrock's invocation latency, else measured here). */
    public Double tokensPerSecond() {
        if (outputTokens == null || outputTokens <= 0) {
            return null;
        }
        Long millis = invocationLatencyMs != null && invocationLatencyMs > 0 ? invocationLatencyMs : totalMs();
        return millis == null || millis <= 0 ? null : outputTokens * 1000.0 / millis;
    }

    public boolean hasCompletionRecord() {
        return completionRecord;
    }

    public String deadLetterReason() {
        return deadLetterReason;
    }
}
