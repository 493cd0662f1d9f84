package io.bedrockstream.streams;

import io.bedrockstream.contract.ChunkField;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Writes output records the way the connector does: a Connect Struct with the connector's schema, turned
 * into bytes by Connect's real {@link JsonConverter}, with or without the schema envelope.
 */
final class ConnectorRecords {
    /** The connector's own schema, so these tests fail if the contract and the assembler drift apart. */
    static final Schema VALUE_SCHEMA = io.bedrockstream.connect.OutputRecords.CHUNK_SCHEMA;

    private static final JsonConverter WITH_SCHEMA = converter(true);
    private static final JsonConverter BARE = converter(false);

    private ConnectorRecords() {}

    static byte[] envelope(ChunkRecord r) {
        return WITH_SCHEMA.fromConnectData("bedrock-chunks", VALUE_SCHEMA, struct(r));
    }

    static byte[] bare(ChunkRecord r) {
        return BARE.fromConnectData("bedrock-chunks", VALUE_SCHEMA, struct(r));
    }

    /** The Struct the connector would write for {@code r}: each contract field from the record's component. */
    static Struct struct(ChunkRecord r) {
        Struct s = new Struct(VALUE_SCHEMA);
        RecordComponent[] components = ChunkRecord.class.getRecordComponents();
        for (int i = 0; i < components.length; i++) {
            try {
                s.put(
                        ChunkField.all().get(i).wireName(),
                        components[i].getAccessor().invoke(r));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return s;
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
            String raw = text == null
                    ? "{\"type\":\"message_start\"}"
                    : "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text
                            + "\"}}";
            return ChunkRecord.chunk(
                    requestId, invocationId, attempt, seq, MODEL, text, raw, "bedrock-requests", 0, 42);
        }

        /** A ConverseStream delta, its raw chunk as the connector writes it. */
        ChunkRecord delta(long seq, int block, String type, String text, String raw, String toolId, String tool) {
            return ChunkRecord.delta(
                    requestId,
                    invocationId,
                    attempt,
                    seq,
                    MODEL,
                    block,
                    type,
                    toolId,
                    tool,
                    text,
                    raw,
                    "bedrock-requests",
                    0,
                    42);
        }

        ChunkRecord complete(long seq) {
            return ChunkRecord.complete(
                    requestId, invocationId, attempt, seq, MODEL, "end_turn", 12L, 3L, "bedrock-requests", 0, 42);
        }

        ChunkRecord error(long seq, boolean retrying) {
            return ChunkRecord.error(
                    requestId,
                    invocationId,
                    attempt,
                    seq,
                    MODEL,
                    "ThrottlingException",
                    "Too many requests",
                    retrying,
                    "bedrock-requests",
                    0,
                    42);
        }
    }
}
