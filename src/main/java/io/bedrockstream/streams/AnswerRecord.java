package io.bedrockstream.streams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One request's whole answer, assembled from the chunks of its first fully received complete invocation.
 * ConverseStream answers also carry the reasoning (its signature kept) and the tool calls, each
 * {@code {"tool_use_id", "name", "input"}} with the input JSON reassembled from its deltas and parsed;
 * these are left out of the JSON when absent, so InvokeModel answers read as before.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnswerRecord(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("invocation_id") String invocationId,
        @JsonProperty("model_id") String modelId,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("text") String text,
        @JsonProperty("stop_reason") String stopReason,
        @JsonProperty("input_tokens") Long inputTokens,
        @JsonProperty("output_tokens") Long outputTokens,
        @JsonProperty("chunk_count") long chunkCount,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") Integer sourcePartition,
        @JsonProperty("source_offset") Long sourceOffset,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("reasoning")
        String reasoning,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("reasoning_signature")
        String reasoningSignature,

        @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_calls")
        List<JsonNode> toolCalls) {

    /** An answer without reasoning or tool calls. */
    public AnswerRecord(
            String requestId,
            String invocationId,
            String modelId,
            int attempt,
            String text,
            String stopReason,
            Long inputTokens,
            Long outputTokens,
            long chunkCount,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset) {
        this(
                requestId,
                invocationId,
                modelId,
                attempt,
                text,
                stopReason,
                inputTokens,
                outputTokens,
                chunkCount,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                null,
                null,
                null);
    }
}
