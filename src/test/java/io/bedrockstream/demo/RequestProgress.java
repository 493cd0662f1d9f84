package io.bedrockstream.demo;

import java.util.HashMap;
import java.util.Map;

/** What the demo has seen of one request on the output, completions and dead-letter topics. */
public final class RequestProgress {

    public enum Status { PENDING, COMPLETE, DEAD_LETTERED }

    private final DemoRequest request;
    private final Map<String, Integer> chunksByInvocation = new HashMap<>();
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

    void error(int attempt) {
        attempts = Math.max(attempts, attempt);
    }

    void complete(String invocationId, int attempt, String modelId, String stopReason, Long outputTokens,
                  Long firstByteLatencyMs, Long invocationLatencyMs, long nanos) {
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
        return firstChunkAtNanos == 0 || producedAtNanos == 0 ? null : (firstChunkAtNanos - producedAtNanos) / 1_000_000;
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
