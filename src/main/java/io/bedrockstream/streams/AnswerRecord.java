package io.bedrockstream.streams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One request's whole answer, assembled from the chunks of its first fully received complete invocation. */
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
        @JsonProperty("source_offset") Long sourceOffset) {
}
