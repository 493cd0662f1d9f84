package io.bedrockstream.bedrock;

/**
 * How a successful invocation ended: the stream reached the family's terminal marker.
 * Token counts come from the invocation metrics, else from the family's own usage fields.
 */
public record InvocationResult(String stopReason, Long inputTokens, Long outputTokens,
                               Long firstByteLatencyMs, Long invocationLatencyMs, long chunks) {
}
