package io.bedrockstream.model;

/**
 * What a ConverseStream terminal reports beyond InvokeModel's figures (from its metadata event). Any field
 * may be null.
 *
 * @param guardrailTrace the metadata's guardrail trace as JSON, when the request asked for a trace
 * @param serviceTier    the service tier the call ran on, as Bedrock reported it
 */
public record ConverseUsage(
        Long cacheReadInputTokens,
        Long cacheWriteInputTokens,
        Long latencyMs,
        String serviceTier,
        String guardrailTrace) {}
