package io.bedrockstream.engine;

/**
 * One output record, field for field as in ARCHITECTURE.md's output record contract. Fields that do not
 * apply to the event type are null.
 */
public record OutputEvent(
        String requestId,
        String invocationId,
        int attempt,
        long seq,
        EventType event,
        String modelId,
        String text,
        String chunk,
        String stopReason,
        Long inputTokens,
        Long outputTokens,
        Long firstByteLatencyMs,
        Long invocationLatencyMs,
        String errorType,
        String errorMessage,
        Integer originalStatusCode,
        String originalMessage,
        Boolean retrying,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        Integer deltas) {

    /** An event that holds one chunk, or is a terminal: {@code deltas} is null (coalescing is off). */
    public OutputEvent(String requestId, String invocationId, int attempt, long seq, EventType event, String modelId,
                       String text, String chunk, String stopReason, Long inputTokens, Long outputTokens,
                       Long firstByteLatencyMs, Long invocationLatencyMs, String errorType, String errorMessage,
                       Integer originalStatusCode, String originalMessage, Boolean retrying, String sourceTopic,
                       int sourcePartition, long sourceOffset) {
        this(requestId, invocationId, attempt, seq, event, modelId, text, chunk, stopReason, inputTokens,
                outputTokens, firstByteLatencyMs, invocationLatencyMs, errorType, errorMessage, originalStatusCode,
                originalMessage, retrying, sourceTopic, sourcePartition, sourceOffset, null);
    }

    public boolean isTerminal() {
        return event != EventType.CHUNK;
    }
}
