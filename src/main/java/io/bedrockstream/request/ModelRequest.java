package io.bedrockstream.request;

import io.bedrockstream.model.ModelFamily;

/**
 * One request ready for Bedrock: everything {@code InvokeModelWithResponseStream} takes, plus where it came from.
 * Optional API parameters are null when not set.
 *
 * @param orderingKey the request record's key in string form, null when the record has none; with
 *                    {@code request.ordering=key} requests with equal ordering keys run one after another,
 *                    whatever their request ids
 * @param api         which streaming API to call; with {@link BedrockApi#CONVERSE} the body is a Converse
 *                    request's JSON (without modelId) and the family may be null
 * @param serviceTier {@code bedrock.service.tier}, null when unset
 * @param guardrailStreamProcessingMode Converse only: {@code sync} or {@code async}, null when unset
 * @param requestMetadata Bedrock's {@code requestMetadata} for this call; empty when none
 */
public record ModelRequest(
        String requestId,
        String modelId,
        ModelFamily family,
        byte[] body,
        String contentType,
        String accept,
        String guardrailIdentifier,
        String guardrailVersion,
        String trace,
        String performanceConfigLatency,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String orderingKey,
        BedrockApi api,
        String serviceTier,
        String guardrailStreamProcessingMode,
        java.util.Map<String, String> requestMetadata) {

    public ModelRequest {
        api = api == null ? BedrockApi.INVOKE : api;
        requestMetadata = requestMetadata == null ? java.util.Map.of() : requestMetadata;
    }

    /** The request record this request was made from. */
    public SourceCoordinates source() {
        return new SourceCoordinates(sourceTopic, sourcePartition, sourceOffset);
    }

    /** An InvokeModel request. */
    public ModelRequest(
            String requestId,
            String modelId,
            ModelFamily family,
            byte[] body,
            String contentType,
            String accept,
            String guardrailIdentifier,
            String guardrailVersion,
            String trace,
            String performanceConfigLatency,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset,
            String orderingKey) {
        this(
                requestId,
                modelId,
                family,
                body,
                contentType,
                accept,
                guardrailIdentifier,
                guardrailVersion,
                trace,
                performanceConfigLatency,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                orderingKey,
                BedrockApi.INVOKE,
                null,
                null,
                null);
    }

    /** A request without an ordering key: it never waits for another request. */
    public ModelRequest(
            String requestId,
            String modelId,
            ModelFamily family,
            byte[] body,
            String contentType,
            String accept,
            String guardrailIdentifier,
            String guardrailVersion,
            String trace,
            String performanceConfigLatency,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        this(
                requestId,
                modelId,
                family,
                body,
                contentType,
                accept,
                guardrailIdentifier,
                guardrailVersion,
                trace,
                performanceConfigLatency,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                null);
    }
}
