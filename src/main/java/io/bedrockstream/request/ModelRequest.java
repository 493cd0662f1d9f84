package io.bedrockstream.request;

import io.bedrockstream.model.ModelFamily;

/**
 * One request ready for Bedrock: everything {@code InvokeModelWithResponseStream} takes, plus where it came from.
 * Optional API parameters are null when not set.
 *
 * @param orderingKey the request record's key in string form, null when the record has none; with
 *                    {@code request.ordering=key} requests with equal ordering keys run one after another,
 *                    whatever their request ids
 */
public record ModelRequest(String requestId, String modelId, ModelFamily family, byte[] body,
                           String contentType, String accept,
                           String guardrailIdentifier, String guardrailVersion, String trace,
                           String performanceConfigLatency,
                           String sourceTopic, int sourcePartition, long sourceOffset,
                           String orderingKey) {

    /** A request without an ordering key: it never waits for another request. */
    public ModelRequest(String requestId, String modelId, ModelFamily family, byte[] body,
                        String contentType, String accept,
                        String guardrailIdentifier, String guardrailVersion, String trace,
                        String performanceConfigLatency,
                        String sourceTopic, int sourcePartition, long sourceOffset) {
        this(requestId, modelId, family, body, contentType, accept, guardrailIdentifier, guardrailVersion, trace,
                performanceConfigLatency, sourceTopic, sourcePartition, sourceOffset, null);
    }
}
