package io.bedrockstream.model;

/** Bedrock's {@code amazon-bedrock-invocationMetrics} object, found on the last chunk. Any field may be null. */
public record InvocationMetrics(
        Long inputTokenCount, Long outputTokenCount, Long invocationLatencyMs, Long firstByteLatencyMs) {}
