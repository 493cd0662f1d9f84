package io.bedrockstream.bedrock;

import io.bedrockstream.model.ConverseUsage;

/**
 * How a successful invocation ended: the stream reached the family's terminal marker.
 * Token counts come from the invocation metrics, else from the family's own usage fields.
 *
 * @param converse ConverseStream only: cache tokens, latency, tier and guardrail trace; null for InvokeModel
 */
public record InvocationResult(
        String stopReason,
        Long inputTokens,
        Long outputTokens,
        Long firstByteLatencyMs,
        Long invocationLatencyMs,
        long chunks,
        ConverseUsage converse) {

    public InvocationResult(
            String stopReason,
            Long inputTokens,
            Long outputTokens,
            Long firstByteLatencyMs,
            Long invocationLatencyMs,
            long chunks) {
        this(stopReason, inputTokens, outputTokens, firstByteLatencyMs, invocationLatencyMs, chunks, null);
    }
}
