package io.bedrockstream.engine;

import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ConverseUsage;
import io.bedrockstream.request.SourceCoordinates;

/**
 * One output record, field for field as in ARCHITECTURE.md's output record contract. Fields that do not
 * apply to the event type are null. {@code delta} (chunks) and {@code converse} (complete terminals) are set
 * for ConverseStream invocations only: the optional fields of record contract version 2.
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
        ContentDelta delta,
        ConverseUsage converse,
        Integer deltas) {

    /** A version-1 event that holds one chunk, or is a terminal: no Converse fields, coalescing off. */
    public OutputEvent(
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
        this(
                requestId,
                invocationId,
                attempt,
                seq,
                event,
                modelId,
                text,
                chunk,
                stopReason,
                inputTokens,
                outputTokens,
                firstByteLatencyMs,
                invocationLatencyMs,
                errorType,
                errorMessage,
                originalStatusCode,
                originalMessage,
                retrying,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                null,
                null,
                null);
    }

    public boolean isTerminal() {
        return event != EventType.CHUNK;
    }

    /** The request record this event's invocation was made from. */
    public SourceCoordinates source() {
        return new SourceCoordinates(sourceTopic, sourcePartition, sourceOffset);
    }
}
