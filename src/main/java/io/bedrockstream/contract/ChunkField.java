package io.bedrockstream.contract;

import java.util.List;

/**
 * The output record contract (ARCHITECTURE.md, README "Output records"): every field of a chunk record, in wire
 * order, with its type and whether it is required. This is the contract's one definition: the connector builds its
 * Connect schema ({@code connect.OutputRecords.CHUNK_SCHEMA}) from it and the Kafka Streams assembler
 * ({@code streams.ChunkRecord}) reads records by it, so a field added here reaches both, and a field added to only
 * one of them fails when that class loads.
 *
 * <p>This package depends on nothing but the JDK: it ships in the connector's jar and in the assembler's.
 */
public enum ChunkField {
    REQUEST_ID("request_id", Type.STRING, true, 1),
    INVOCATION_ID("invocation_id", Type.STRING, true, 1),
    ATTEMPT("attempt", Type.INT32, true, 1),
    SEQ("seq", Type.INT64, true, 1),
    EVENT("event", Type.STRING, true, 1),
    MODEL_ID("model_id", Type.STRING, false, 1),
    TEXT("text", Type.STRING, false, 1),
    CHUNK("chunk", Type.STRING, false, 1),
    STOP_REASON("stop_reason", Type.STRING, false, 1),
    INPUT_TOKENS("input_tokens", Type.INT64, false, 1),
    OUTPUT_TOKENS("output_tokens", Type.INT64, false, 1),
    FIRST_BYTE_LATENCY_MS("first_byte_latency_ms", Type.INT64, false, 1),
    INVOCATION_LATENCY_MS("invocation_latency_ms", Type.INT64, false, 1),
    ERROR_TYPE("error_type", Type.STRING, false, 1),
    ERROR_MESSAGE("error_message", Type.STRING, false, 1),
    ORIGINAL_STATUS_CODE("original_status_code", Type.INT32, false, 1),
    ORIGINAL_MESSAGE("original_message", Type.STRING, false, 1),
    RETRYING("retrying", Type.BOOLEAN, false, 1),
    SOURCE_TOPIC("source_topic", Type.STRING, false, 1),
    SOURCE_PARTITION("source_partition", Type.INT32, false, 1),
    SOURCE_OFFSET("source_offset", Type.INT64, false, 1),
    // version 2: set on ConverseStream records only (bedrock.api=converse)
    BLOCK_INDEX("block_index", Type.INT32, false, 2),
    DELTA_TYPE("delta_type", Type.STRING, false, 2),
    TOOL_USE_ID("tool_use_id", Type.STRING, false, 2),
    TOOL_NAME("tool_name", Type.STRING, false, 2),
    CACHE_READ_INPUT_TOKENS("cache_read_input_tokens", Type.INT64, false, 2),
    CACHE_WRITE_INPUT_TOKENS("cache_write_input_tokens", Type.INT64, false, 2),
    LATENCY_MS("latency_ms", Type.INT64, false, 2),
    SERVICE_TIER("service_tier", Type.STRING, false, 2),
    GUARDRAIL_TRACE("guardrail_trace", Type.STRING, false, 2),
    // version 2: how many deltas a coalesced chunk record holds (output.chunk.coalesce.*); null when it holds one
    DELTAS("deltas", Type.INT32, false, 2);

    /** The record's schema name, registered by schema-aware converters. */
    public static final String SCHEMA_NAME = "io.bedrockstream.ChunkRecord";
    /** The contract's version; readers of version 1 ignore the fields added in 2. */
    public static final int VERSION = 2;

    public static final String DOC = "One streamed chunk of a Bedrock invocation, or the invocation's terminal "
            + "record (complete or error). Group by invocation_id, order by seq; trust the invocation whose "
            + "terminal is complete.";

    /** The values of {@code event}. */
    public static final String EVENT_CHUNK = "chunk";

    public static final String EVENT_COMPLETE = "complete";
    public static final String EVENT_ERROR = "error";

    /** The field types the contract uses. */
    public enum Type {
        STRING,
        INT32,
        INT64,
        BOOLEAN
    }

    private static final List<ChunkField> ALL = List.of(values());

    private final String wireName;
    private final Type type;
    private final boolean required;
    private final int since;

    ChunkField(String wireName, Type type, boolean required, int since) {
        this.wireName = wireName;
        this.type = type;
        this.required = required;
        this.since = since;
    }

    /** The field's name in the record value (JSON member, Avro/Connect field). */
    public String wireName() {
        return wireName;
    }

    public Type type() {
        return type;
    }

    /** Whether every record carries the field; the others are optional and null when they do not apply. */
    public boolean required() {
        return required;
    }

    /** The contract version that added the field. */
    public int since() {
        return since;
    }

    /** Every field in wire order. */
    public static List<ChunkField> all() {
        return ALL;
    }

    /** The Java name of the field ({@code first_byte_latency_ms} → {@code firstByteLatencyMs}). */
    public String javaName() {
        StringBuilder b = new StringBuilder(wireName.length());
        boolean upper = false;
        for (char c : wireName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
