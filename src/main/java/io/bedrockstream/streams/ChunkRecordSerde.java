package io.bedrockstream.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.contract.ChunkField;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for output records as Connect's {@code JsonConverter} writes them: the deserializer takes both
 * the schema envelope ({@code {"schema":…,"payload":…}}, {@code schemas.enable=true}, the converter's
 * default) and the bare payload; the serializer writes the bare payload.
 *
 * <p>A value that is not JSON, or not an output record, fails with {@link SerializationException}, so that
 * Kafka Streams' deserialization exception handler decides what happens to it (see
 * {@link ChunkAssembler#streamsConfig}). A null value, or an envelope with a null payload, reads as null.
 */
public final class ChunkRecordSerde implements Serde<ChunkRecord> {

    @Override
    public Serializer<ChunkRecord> serializer() {
        return (topic, record) -> Json.write(record);
    }

    @Override
    public Deserializer<ChunkRecord> deserializer() {
        return (topic, bytes) -> read(bytes);
    }

    /** Reads one output record value; null for a null value or null payload. */
    public static ChunkRecord read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        JsonNode node = Json.readTree(bytes);
        if (node != null && isEnvelope(node)) {
            node = node.get("payload");
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new SerializationException("Output record value is not a JSON object but " + node.getNodeType());
        }
        for (ChunkField f : ChunkField.all()) {
            // request_id is required of writers, but the record's key carries it too: a record without it is read
            if (f.required() && f != ChunkField.REQUEST_ID && !node.has(f.wireName())) {
                throw new SerializationException("Output record value has no " + f.wireName());
            }
        }
        return Json.convert(node, ChunkRecord.class);
    }

    // A payload never has a field named "schema", so the two fields together identify the envelope.
    private static boolean isEnvelope(JsonNode node) {
        return node.isObject() && node.has("schema") && node.has("payload") && node.size() == 2;
    }
}
