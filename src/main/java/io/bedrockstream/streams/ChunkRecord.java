package io.bedrockstream.streams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One record of the connector's output topic: a chunk or an invocation's terminal, field for field as in
 * ARCHITECTURE.md's output record contract. Fields that do not apply to the event are null.
 *
 * <p>The identifying fields are required so that a JSON value which is not an output record at all is
 * rejected by {@link ChunkRecordSerde} rather than read as a chunk with seq 0.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChunkRecord(
        @JsonProperty("request_id") String requestId,
        @JsonProperty(value = "invocation_id", required = true) String invocationId,
        @JsonProperty(value = "attempt", required = true) int attempt,
        @JsonProperty(value = "seq", required = true) long seq,
        @JsonProperty(value = "event", required = true) String event,
        @JsonProperty("model_id") String modelId,
        @JsonProperty("text") String text,
        @JsonProperty("chunk") String chunk,
        @JsonProperty("stop_reason") String stopReason,
        @JsonProperty("input_tokens") Long inputTokens,
        @JsonProperty("output_tokens") Long outputTokens,
        @JsonProperty("first_byte_latency_ms") Long firstByteLatencyMs,
        @JsonProperty("invocation_latency_ms") Long invocationLatencyMs,
        @JsonProperty("error_type") String errorType,
        @JsonProperty("error_message") String errorMessage,
        @JsonProperty("original_status_code") Integer originalStatusCode,
        @JsonProperty("original_message") String originalMessage,
        @JsonProperty("retrying") Boolean retrying,
        @JsonProperty("source_topic") String sourceTopic,
        @JsonProperty("source_partition") Integer sourcePartition,
        @JsonProperty("source_offset") Long sourceOffset,
        // record contract version 2: ConverseStream records only; null on InvokeModel records and version-1 writers
        @JsonProperty("block_index") Integer blockIndex,
        @JsonProperty("delta_type") String deltaType,
        @JsonProperty("tool_use_id") String toolUseId,
        @JsonProperty("tool_name") String toolName,
        @JsonProperty("cache_read_input_tokens") Long cacheReadInputTokens,
        @JsonProperty("cache_write_input_tokens") Long cacheWriteInputTokens,
        @JsonProperty("latency_ms") Long latencyMs,
        @JsonProperty("service_tier") String serviceTier,
        @JsonProperty("guardrail_trace") String guardrailTrace,
        // how many deltas a coalesced chunk holds (output.chunk.coalesce.*); null when it holds one
        @JsonProperty("deltas") Integer deltas) {

    /** A version-1 record holding one delta. */
    public ChunkRecord(String requestId, String invocationId, int attempt, long seq, String event, String modelId,
                       String text, String chunk, String stopReason, Long inputTokens, Long outputTokens,
                       Long firstByteLatencyMs, Long invocationLatencyMs, String errorType, String errorMessage,
                       Integer originalStatusCode, String originalMessage, Boolean retrying, String sourceTopic,
                       Integer sourcePartition, Long sourceOffset) {
        this(requestId, invocationId, attempt, seq, event, modelId, text, chunk, stopReason, inputTokens,
                outputTokens, firstByteLatencyMs, invocationLatencyMs, errorType, errorMessage, originalStatusCode,
                originalMessage, retrying, sourceTopic, sourcePartition, sourceOffset, null, null, null, null, null,
                null, null, null, null, null);
    }

    public static final String CHUNK = "chunk";
    public static final String COMPLETE = "complete";
    public static final String ERROR = "error";

    public boolean isChunk() {
        return CHUNK.equals(event);
    }

    public boolean isComplete() {
        return COMPLETE.equals(event);
    }

    public boolean isError() {
        return ERROR.equals(event);
    }

    /** A chunk at {@code seq} of an invocation, with only the fields a chunk carries. */
    public static ChunkRecord chunk(String requestId, String invocationId, int attempt, long seq, String modelId,
                                    String text, String chunk, String sourceTopic, int sourcePartition,
                                    long sourceOffset) {
        return new ChunkRecord(requestId, invocationId, attempt, seq, CHUNK, modelId, text, chunk, null, null, null,
                null, null, null, null, null, null, null, sourceTopic, sourcePartition, sourceOffset);
    }

    /** A ConverseStream delta at {@code seq}: its block, kind and (tool deltas) tool id and name. */
    public static ChunkRecord delta(String requestId, String invocationId, int attempt, long seq, String modelId,
                                    int blockIndex, String deltaType, String toolUseId, String toolName, String text,
                                    String chunk, String sourceTopic, int sourcePartition, long sourceOffset) {
        return new ChunkRecord(requestId, invocationId, attempt, seq, CHUNK, modelId, text, chunk, null, null, null,
                null, null, null, null, null, null, null, sourceTopic, sourcePartition, sourceOffset, blockIndex,
                deltaType, toolUseId, toolName, null, null, null, null, null, null);
    }

    /** The {@code complete} terminal at {@code seq} (= the number of chunks). */
    public static ChunkRecord complete(String requestId, String invocationId, int attempt, long seq, String modelId,
                                       String stopReason, Long inputTokens, Long outputTokens, String sourceTopic,
                                       int sourcePartition, long sourceOffset) {
        return new ChunkRecord(requestId, invocationId, attempt, seq, COMPLETE, modelId, null, null, stopReason,
                inputTokens, outputTokens, null, null, null, null, null, null, null, sourceTopic, sourcePartition,
                sourceOffset);
    }

    /** The {@code error} terminal at {@code seq}; {@code retrying} says whether another attempt follows. */
    public static ChunkRecord error(String requestId, String invocationId, int attempt, long seq, String modelId,
                                    String errorType, String errorMessage, boolean retrying, String sourceTopic,
                                    int sourcePartition, long sourceOffset) {
        return new ChunkRecord(requestId, invocationId, attempt, seq, ERROR, modelId, null, null, null, null, null,
                null, null, errorType, errorMessage, null, null, retrying, sourceTopic, sourcePartition,
                sourceOffset);
    }
}
