package io.bedrockstream.connect;

import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.contract.ChunkField;
import io.bedrockstream.engine.ConverseAnswer;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ConverseUsage;
import io.bedrockstream.request.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * The output record contract of ARCHITECTURE.md as Connect schemas: one {@code ChunkRecord} per chunk and
 * terminal event, one {@code Completion} per completed request. Named and versioned so that schema-aware
 * converters (Avro, Protobuf, JSON Schema) register them and consumers can evolve with them.
 */
public final class OutputRecords {

    /** Keys are request ids. */
    public static final Schema KEY_SCHEMA = Schema.STRING_SCHEMA;

    /** The chunk record, built from the contract's one definition, {@link ChunkField}. */
    public static final Schema CHUNK_SCHEMA = chunkSchema();

    /** One tool call of a Converse answer; {@code input} is the tool input JSON reassembled from its deltas. */
    public static final Schema TOOL_CALL_SCHEMA = SchemaBuilder.struct()
            .name("io.bedrockstream.ToolCall")
            .version(1)
            .optional()
            .field("tool_use_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("input", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    public static final Schema COMPLETION_SCHEMA = SchemaBuilder.struct()
            .name("io.bedrockstream.Completion")
            .version(2)
            .doc("A completed request: the whole text of its completed invocation and the usage figures.")
            .field("request_id", Schema.STRING_SCHEMA)
            .field("invocation_id", Schema.STRING_SCHEMA)
            .field("model_id", Schema.STRING_SCHEMA)
            .field("attempts", Schema.INT32_SCHEMA)
            .field("text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("stop_reason", Schema.OPTIONAL_STRING_SCHEMA)
            .field("input_tokens", Schema.OPTIONAL_INT64_SCHEMA)
            .field("output_tokens", Schema.OPTIONAL_INT64_SCHEMA)
            .field("first_byte_latency_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("invocation_latency_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("source_topic", Schema.STRING_SCHEMA)
            .field("source_partition", Schema.INT32_SCHEMA)
            .field("source_offset", Schema.INT64_SCHEMA)
            // version 2: optional, set for ConverseStream requests only
            .field("reasoning", Schema.OPTIONAL_STRING_SCHEMA)
            .field("reasoning_signature", Schema.OPTIONAL_STRING_SCHEMA)
            .field(
                    "tool_calls",
                    SchemaBuilder.array(TOOL_CALL_SCHEMA).optional().build())
            .field("cache_read_input_tokens", Schema.OPTIONAL_INT64_SCHEMA)
            .field("cache_write_input_tokens", Schema.OPTIONAL_INT64_SCHEMA)
            .field("latency_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("service_tier", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private OutputRecords() {}

    private static Schema chunkSchema() {
        SchemaBuilder b = SchemaBuilder.struct()
                .name(ChunkField.SCHEMA_NAME)
                .version(ChunkField.VERSION)
                .doc(ChunkField.DOC);
        for (ChunkField f : ChunkField.all()) {
            Schema s = switch (f.type()) {
                case STRING -> f.required() ? Schema.STRING_SCHEMA : Schema.OPTIONAL_STRING_SCHEMA;
                case INT32 -> f.required() ? Schema.INT32_SCHEMA : Schema.OPTIONAL_INT32_SCHEMA;
                case INT64 -> f.required() ? Schema.INT64_SCHEMA : Schema.OPTIONAL_INT64_SCHEMA;
                case BOOLEAN -> f.required() ? Schema.BOOLEAN_SCHEMA : Schema.OPTIONAL_BOOLEAN_SCHEMA;
            };
            b.field(f.wireName(), s);
        }
        return b.build();
    }

    /** The value of one output record with the invocation's context on every record. */
    public static Struct toStruct(OutputEvent e, boolean includeRawChunk) {
        return toStruct(e, includeRawChunk, true);
    }

    /**
     * The value of one output record; {@code includeRawChunk=false} leaves {@code chunk} null, except on a
     * Converse delta whose content is only in its raw form (tool input, a reasoning signature, redacted
     * reasoning, a citation): dropping it would lose the content. With
     * {@code contextOnEveryChunk=false} only the first chunk (seq 0) and the terminal carry the invocation's
     * context ({@code model_id}, {@code source_topic/partition/offset}); later chunks leave it null, which a
     * schemaless lean converter then omits.
     */
    private static boolean rawOnly(OutputEvent e) {
        return e.delta() != null
                && !"text".equals(e.delta().deltaType())
                && !"reasoning".equals(e.delta().deltaType());
    }

    public static Struct toStruct(OutputEvent e, boolean includeRawChunk, boolean contextOnEveryChunk) {
        boolean context = contextOnEveryChunk || e.isTerminal() || e.seq() == 0;
        Struct s = new Struct(CHUNK_SCHEMA)
                .put("request_id", e.requestId())
                .put("invocation_id", e.invocationId())
                .put("attempt", e.attempt())
                .put("seq", e.seq())
                .put("event", e.event().wireName())
                .put("model_id", context ? e.modelId() : null)
                .put("text", e.text())
                .put("chunk", includeRawChunk || rawOnly(e) ? e.chunk() : null)
                .put("stop_reason", e.stopReason())
                .put("input_tokens", e.inputTokens())
                .put("output_tokens", e.outputTokens())
                .put("first_byte_latency_ms", e.firstByteLatencyMs())
                .put("invocation_latency_ms", e.invocationLatencyMs())
                .put("error_type", e.errorType())
                .put("error_message", e.errorMessage())
                .put("original_status_code", e.originalStatusCode())
                .put("original_message", e.originalMessage())
                .put("retrying", e.retrying())
                .put("source_topic", context ? e.sourceTopic() : null)
                .put("source_partition", context ? e.sourcePartition() : null)
                .put("source_offset", context ? e.sourceOffset() : null)
                .put("deltas", e.deltas());
        putConverseFields(s, e);
        s.validate();
        return s;
    }

    /**
     * The completions-topic value of a completed request.
     *
     * @throws IllegalArgumentException if the outcome is a failure
     */
    public static Struct toCompletionStruct(RequestOutcome o) {
        if (!o.completed() || o.result() == null) {
            throw new IllegalArgumentException("Only a completed request has a completion record");
        }
        ModelRequest r = o.request();
        InvocationResult result = o.result();
        List<String> ids = o.invocationIds();
        Struct s = new Struct(COMPLETION_SCHEMA)
                .put("request_id", r.requestId())
                .put("invocation_id", ids.get(ids.size() - 1))
                .put("model_id", r.modelId())
                .put("attempts", o.attempts())
                .put("text", o.text())
                .put("stop_reason", result.stopReason())
                .put("input_tokens", result.inputTokens())
                .put("output_tokens", result.outputTokens())
                .put("first_byte_latency_ms", result.firstByteLatencyMs())
                .put("invocation_latency_ms", result.invocationLatencyMs())
                .put("source_topic", r.sourceTopic())
                .put("source_partition", r.sourcePartition())
                .put("source_offset", r.sourceOffset());
        putConverseFields(s, result.converse(), o.answer());
        s.validate();
        return s;
    }

    private static void putConverseFields(Struct s, OutputEvent e) {
        ContentDelta d = e.delta();
        if (d != null) {
            s.put("block_index", d.blockIndex())
                    .put("delta_type", d.deltaType())
                    .put("tool_use_id", d.toolUseId())
                    .put("tool_name", d.toolName());
        }
        ConverseUsage u = e.converse();
        if (u != null) {
            s.put("cache_read_input_tokens", u.cacheReadInputTokens())
                    .put("cache_write_input_tokens", u.cacheWriteInputTokens())
                    .put("latency_ms", u.latencyMs())
                    .put("service_tier", u.serviceTier())
                    .put("guardrail_trace", u.guardrailTrace());
        }
    }

    private static void putConverseFields(Struct s, ConverseUsage u, ConverseAnswer a) {
        if (u != null) {
            s.put("cache_read_input_tokens", u.cacheReadInputTokens())
                    .put("cache_write_input_tokens", u.cacheWriteInputTokens())
                    .put("latency_ms", u.latencyMs())
                    .put("service_tier", u.serviceTier());
        }
        if (a != null) {
            s.put("reasoning", a.reasoning()).put("reasoning_signature", a.reasoningSignature());
            List<Struct> calls = new ArrayList<>();
            for (ConverseAnswer.ToolCall c : a.toolCalls()) {
                calls.add(new Struct(TOOL_CALL_SCHEMA)
                        .put("tool_use_id", c.toolUseId())
                        .put("name", c.name())
                        .put("input", c.input()));
            }
            s.put("tool_calls", calls.isEmpty() ? null : calls);
        }
    }
}
