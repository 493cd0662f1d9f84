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
        long sourceOffset) {

    public boolean isTerminal() {
        return event != EventType.CHUNK;
    }
}
