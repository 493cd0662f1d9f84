package io.bedrockstream.streams;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Writes output records the way the connector does: a Connect Struct with the connector's schema, turned
 * into bytes by Connect's real {@link JsonConverter}, with or without the schema envelope.
 */
final class OutputRecords {
    /** The connector's own schema, so these tests fail if the contract and the assembler drift apart. */
    static final Schema VALUE_SCHEMA = io.bedrockstream.connect.OutputRecords.CHUNK_SCHEMA;

    private static final JsonConverter WITH_SCHEMA = converter(true);
    private static final JsonConverter BARE = converter(false);

    private OutputRecords() {
    }

    static byte[] envelope(ChunkRecord r) {
        return WITH_SCHEMA.fromConnectData("bedrock-chunks", VALUE_SCHEMA, struct(r));
    }

    static byte[] bare(ChunkRecord r) {
        return BARE.fromConnectData("bedrock-chunks", VALUE_SCHEMA, struct(r));
    }

    static Struct struct(ChunkRecord r) {
        return new Struct(VALUE_SCHEMA)
                .put("request_id", r.requestId())
                .put("invocation_id", r.invocationId())
                .put("attempt", r.attempt())
                .put("seq", r.seq())
                .put("event", r.event())
                .put("model_id", r.modelId())
                .put("text", r.text())
                .put("chunk", r.chunk())
                .put("stop_reason", r.stopReason())
                .put("input_tokens", r.inputTokens())
                .put("output_tokens", r.outputTokens())
                .put("first_byte_latency_ms", r.firstByteLatencyMs())
                .put("invocation_latency_ms", r.invocationLatencyMs())
                .put("error_type", r.errorType())
                .put("error_message", r.errorMessage())
                .put("original_status_code", r.originalStatusCode())
                .put("original_message", r.originalMessage())
                .put("retrying", r.retrying())
                .put("source_topic", r.sourceTopic())
                .put("source_partition", r.sourcePartition())
                .put("source_offset", r.sourceOffset())
                .put("block_index", r.blockIndex())
                .put("delta_type", r.deltaType())
                .put("tool_use_id", r.toolUseId())
                .put("tool_name", r.toolName())
                .put("cache_read_input_tokens", r.cacheReadInputTokens())
                .put("cache_write_input_tokens", r.cacheWriteInputTokens())
                .put("latency_ms", r.latencyMs())
                .put("service_tier", r.serviceTier())
                .put("guardrail_trace", r.guardrailTrace())
                .put("deltas", r.deltas());
    }

    private static JsonConverter converter(boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", schemas), false);
        return converter;
    }

    /** One invocation of a request, producing its records with the right ids, attempt and source. */
    record Invocation(String requestId, String invocationId, int attempt) {
        static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

        ChunkRecord chunk(long seq, String text) {
            String raw = text == null ? "{\"type\":\"message_start\"}"
                    : "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\""
                    + text + "\"}}";
            return ChunkRecord.chunk(requestId, invocationId, attempt, seq, MODEL, text, raw, "bedrock-requests", 0,
                    42);
        }

        /** A ConverseStream delta, its raw chunk as the connector writes it. */
        ChunkRecord delta(long seq, int block, String type, String text, String raw, String toolId, String tool) {
            return ChunkRecord.delta(requestId, invocationId, attempt, seq, MODEL, block, type, toolId, tool, text,
                    raw, "bedrock-requests", 0, 42);
        }

        ChunkRecord complete(long seq) {
            return ChunkRecord.complete(requestId, invocationId, attempt, seq, MODEL, "end_turn", 12L, 3L,
                    "bedrock-requests", 0, 42);
        }

        ChunkRecord error(long seq, boolean retrying) {
            return ChunkRecord.error(requestId, invocationId, attempt, seq, MODEL, "ThrottlingException",
                    "Too many requests", retrying, "bedrock-requests", 0, 42);
        }
    }
}
