package io.bedrockstream.request;

import io.bedrockstream.model.ModelFamily;

/**
 * One request ready for Bedrock: everything {@code InvokeModelWithResponseStream} takes, plus where it came from.
 * Optional API parameters are null when not set.
 */
public record ModelRequest(String requestId, String modelId, ModelFamily family, byte[] body,
                           String contentType, String accept,
                           String guardrailIdentifier, String guardrailVersion, String trace,
                           String performanceConfigLatency,
                           String sourceTopic, int sourcePartition, long sourceOffset) {
}
