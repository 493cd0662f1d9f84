package io.bedrockstream.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.utils.builder.Buildable;

/**
 * Converse request JSON (the wire form Bedrock documents) to the SDK's model objects and back, driven by the
 * SDK's own field metadata ({@link SdkField}), so every member the SDK models is understood, by its wire name,
 * and a member it does not model is refused with its path rather than silently dropped.
 */
public final class ConverseJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A Converse request that does not fit the SDK's model: the message names the JSON path. */
    public static final class InvalidConverseRequest extends Exception {
        InvalidConverseRequest(String message) {
            super(message);
        }
    }

    private ConverseJson() {}

    /** The SDK request for {@code body} (a Converse request without modelId) sent to {@code modelId}. */
    public static ConverseStreamRequest.Builder toRequest(String modelId, byte[] body) throws InvalidConverseRequest {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new InvalidConverseRequest("the Converse request is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConverseRequest("a Converse request is a JSON object");
        }
        ConverseStreamRequest.Builder b = ConverseStreamRequest.builder();
        fill(b, (ObjectNode) root, "", true);
        return b.modelId(modelId);
    }

    /** The wire JSON of an SDK model object (an event, a delta), as Bedrock sent it. */
    public static ObjectNode toJson(SdkPojo pojo) {
        ObjectNode out = F.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            JsonNode node = toJsonValue(field, value);
            if (node != null) {
                out.set(field.locationName(), node);
            }
        }
        return out;
    }

    public static String toJsonString(SdkPojo pojo) {
        return toJson(pojo).toString();
    }

    public static JsonNode documentToJson(Document d) {
        if (d == null || d.isNull()) {
            return F.nullNode();
        }
        if (d.isString()) {
            return F.textNode(d.asString());
        }
        if (d.isBoolean()) {
            return F.booleanNode(d.asBoolean());
        }
        if (d.isNumber()) {
            return F.numberNode(d.asNumber().bigDecimalValue());
        }
        if (d.isList()) {
            ArrayNode a = F.arrayNode();
            d.asList().forEach(x -> a.add(documentToJson(x)));
            return a;
        }
        ObjectNode o = F.objectNode();
        d.asMap().forEach((k, v) -> o.set(k, documentToJson(v)));
        return o;
    }

    private static void fill(SdkPojo builder, ObjectNode json, String path, boolean payloadOnly)
            throws InvalidConverseRequest {
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> f : builder.sdkFields()) {
            if (!payloadOnly || f.location() == MarshallLocation.PAYLOAD) {
                fields.put(f.locationName(), f);
            }
        }
        for (var it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String where = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            SdkField<?> field = fields.get(e.getKey());
            if (field == null) {
                throw new InvalidConverseRequest("unknown member '" + where + "' in the Converse request"
                        + (path.isEmpty() ? "; the members are " + fields.keySet() : ""));
            }
            if (e.getValue().isNull()) {
                continue;
            }
            field.set(builder, fromJson(field, e.getValue(), where));
        }
    }

    private static Object fromJson(SdkField<?> field, JsonNode v, String path) throws InvalidConverseRequest {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) {
            require(v.isTextual(), path, "a string");
            return v.asText();
        }
        if (type == MarshallingType.INTEGER) {
            require(v.canConvertToInt() && v.isIntegralNumber(), path, "an integer");
            return v.intValue();
        }
        if (type == MarshallingType.LONG) {
            require(v.isIntegralNumber(), path, "an integer");
            return v.longValue();
        }
        if (type == MarshallingType.FLOAT) {
            require(v.isNumber(), path, "a number");
            return v.floatValue();
        }
        if (type == MarshallingType.DOUBLE) {
            require(v.isNumber(), path, "a number");
            return v.doubleValue();
        }
        if (type == MarshallingType.BIG_DECIMAL) {
            require(v.isNumber(), path, "a number");
            return v.decimalValue();
        }
        if (type == MarshallingType.BOOLEAN) {
            require(v.isBoolean(), path, "true or false");
            return v.booleanValue();
        }
        if (type == MarshallingType.SDK_BYTES) {
            require(v.isTextual(), path, "base64 text");
            try {
                return SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText()));
            } catch (IllegalArgumentException e) {
                throw new InvalidConverseRequest(path + " must be base64 text");
            }
        }
        if (type == MarshallingType.INSTANT) {
            require(v.isNumber(), path, "epoch seconds");
            return Instant.ofEpochMilli((long) (v.doubleValue() * 1000));
        }
        if (type == MarshallingType.DOCUMENT) {
            return toDocument(v);
        }
        if (type == MarshallingType.SDK_POJO) {
            require(v.isObject(), path, "a JSON object");
            SdkPojo nested = field.constructor().get();
            fill(nested, (ObjectNode) v, path, false);
            return ((Buildable) nested).build();
        }
        if (type == MarshallingType.LIST) {
            require(v.isArray(), path, "a JSON array");
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> list = new ArrayList<>();
            int i = 0;
            for (JsonNode item : v) {
                list.add(fromJson(member, item, path + "[" + i++ + "]"));
            }
            return list;
        }
        if (type == MarshallingType.MAP) {
            require(v.isObject(), path, "a JSON object");
            SdkField<?> value = field.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> map = new LinkedHashMap<>();
            for (var it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                map.put(e.getKey(), fromJson(value, e.getValue(), path + "." + e.getKey()));
            }
            return map;
        }
        throw new InvalidConverseRequest(path + " has a type this connector cannot send: " + type);
    }

    private static void require(boolean ok, String path, String what) throws InvalidConverseRequest {
        if (!ok) {
            throw new InvalidConverseRequest(path + " must be " + what);
        }
    }

    static Document toDocument(JsonNode v) {
        if (v == null || v.isNull()) {
            return Document.fromNull();
        }
        if (v.isTextual()) {
            return Document.fromString(v.asText());
        }
        if (v.isBoolean()) {
            return Document.fromBoolean(v.booleanValue());
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? Document.fromNumber(v.longValue()) : Document.fromNumber(v.decimalValue());
        }
        if (v.isNumber()) {
            return Document.fromNumber(new BigDecimal(v.asText()));
        }
        if (v.isArray()) {
            List<Document> list = new ArrayList<>();
            v.forEach(x -> list.add(toDocument(x)));
            return Document.fromList(list);
        }
        Map<String, Document> map = new LinkedHashMap<>();
        v.fields().forEachRemaining(e -> map.put(e.getKey(), toDocument(e.getValue())));
        return Document.fromMap(map);
    }

    private static JsonNode toJsonValue(SdkField<?> field, Object value) {
        if (value == null) {
            return null;
        }
        MarshallingType<?> type = field.marshallingType();
        if (value instanceof SdkPojo pojo) {
            return toJson(pojo);
        }
        if (type == MarshallingType.LIST) {
            if (value instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>) {
                return null;
            }
            SdkField<?> member = field.getTrait(ListTrait.class).memberFieldInfo();
            ArrayNode a = F.arrayNode();
            for (Object item : (Collection<?>) value) {
                JsonNode n = toJsonValue(member, item);
                a.add(n == null ? F.nullNode() : n);
            }
            return a;
        }
        if (type == MarshallingType.MAP) {
            if (value instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>) {
                return null;
            }
            SdkField<?> member = field.getTrait(MapTrait.class).valueFieldInfo();
            ObjectNode o = F.objectNode();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                JsonNode n = toJsonValue(member, e.getValue());
                o.set(String.valueOf(e.getKey()), n == null ? F.nullNode() : n);
            }
            return o;
        }
        if (value instanceof Document d) {
            return documentToJson(d);
        }
        if (value instanceof SdkBytes bytes) {
            return F.textNode(Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe()));
        }
        if (value instanceof Instant instant) {
            return F.numberNode(instant.toEpochMilli() / 1000.0);
        }
        if (value instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (value instanceof Number n) {
            return n instanceof Integer || n instanceof Long
                    ? F.numberNode(n.longValue())
                    : F.numberNode(new BigDecimal(n.toString()));
        }
        return F.textNode(String.valueOf(value));
    }
}
