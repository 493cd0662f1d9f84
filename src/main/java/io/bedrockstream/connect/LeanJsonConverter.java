package io.bedrockstream.connect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * Bare JSON without null fields: what Connect's {@link JsonConverter} writes with {@code schemas.enable=false},
 * less every {@code "field":null}. Output records have many optional fields of which a chunk uses few, so the
 * nulls were most of a chunk record's bytes. {@code schemas.enable} defaults to false here; set to true, this
 * writes exactly what JsonConverter writes (schema envelope, nulls included). Reading delegates to JsonConverter,
 * for which an absent field and a null one are the same.
 *
 * <p>JsonConverter is used by composition and only bytes cross between the two: it is loaded by the worker's
 * class loader with the worker's Jackson, this class by the plugin's with the plugin's.
 */
public class LeanJsonConverter implements Converter {
    public static final String SCHEMAS_ENABLE = "schemas.enable";
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JsonConverter delegate = new JsonConverter();
    private boolean schemas;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> c = new HashMap<>(configs);
        c.putIfAbsent(SCHEMAS_ENABLE, "false");
        schemas = Boolean.parseBoolean(c.get(SCHEMAS_ENABLE).toString().trim());
        delegate.configure(c, isKey);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schemas || !(value instanceof Struct struct)) {
            return delegate.fromConnectData(topic, schema, value);
        }
        if (isFlat(struct.schema())) {
            return writeFlat(struct);
        }
        return withoutNulls(delegate.fromConnectData(topic, schema, value));
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return delegate.toConnectData(topic, value);
    }

    /** A struct of plain primitives (no logical types, no nesting): written directly, without a tree. */
    private static boolean isFlat(Schema schema) {
        for (Field f : schema.fields()) {
            Schema s = f.schema();
            if (s.name() != null || !s.type().isPrimitive() || s.type() == Schema.Type.BYTES) {
                return false;
            }
        }
        return true;
    }

    private static byte[] writeFlat(Struct struct) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (Field f : struct.schema().fields()) {
                Object v = struct.get(f);
                if (v == null) {
                    continue;
                }
                g.writeFieldName(f.name());
                switch (f.schema().type()) {
                    case STRING -> g.writeString((String) v);
                    case BOOLEAN -> g.writeBoolean((Boolean) v);
                    case INT8, INT16, INT32 -> g.writeNumber(((Number) v).intValue());
                    case INT64 -> g.writeNumber(((Number) v).longValue());
                    case FLOAT32 -> g.writeNumber((Float) v);
                    case FLOAT64 -> g.writeNumber((Double) v);
                    default ->
                        throw new DataException("Unexpected type " + f.schema().type() + " of " + f.name());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new DataException("Could not write JSON", e);
        }
        return out.toByteArray();
    }

    private static byte[] withoutNulls(byte[] json) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            dropNulls(tree);
            return MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new DataException("Could not rewrite JSON", e);
        }
    }

    private static void dropNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> it = object.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    it.remove();
                } else {
                    dropNulls(e.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(LeanJsonConverter::dropNulls);
        }
    }
}
