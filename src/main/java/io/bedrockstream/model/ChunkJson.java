package io.bedrockstream.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** Null-tolerant reads of chunk JSON shared by the family parsers. */
final class ChunkJson {

    static final String METRICS_FIELD = "amazon-bedrock-invocationMetrics";
    /** Jackson quotes unrecognised tokens; keep model output out of long log lines. */
    private static final int MAX_DETAIL_CHARS = 100;

    // Chunk text must never end up in exception messages through Jackson's source snippets.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();
    private static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ChunkJson() {}

    static ObjectNode readObject(byte[] chunkJson) {
        if (chunkJson == null || chunkJson.length == 0) {
            throw new MalformedChunkException("chunk is empty, expected a JSON object", null);
        }
        JsonNode node;
        try {
            node = READER.readTree(chunkJson);
        } catch (JsonProcessingException e) {
            String detail = String.valueOf(e.getOriginalMessage());
            if (detail.length() > MAX_DETAIL_CHARS) {
                detail = detail.substring(0, MAX_DETAIL_CHARS) + "…";
            }
            throw new MalformedChunkException(
                    "chunk is not JSON: " + detail
                            + (e.getLocation() == null
                                    ? ""
                                    : " at " + e.getLocation().offsetDescription()),
                    e);
        } catch (IOException e) {
            throw new MalformedChunkException("chunk is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedChunkException(
                    "chunk is JSON but not an object: "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)),
                    null);
        }
        return (ObjectNode) node;
    }

    /** The string at {@code field}, or null if absent, JSON null or not a string. */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    /** A whole number at {@code field}, or null if absent, JSON null or not a number. */
    static Long number(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isNumber() ? n.longValue() : null;
    }

    static boolean isTrue(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isBoolean() && n.booleanValue();
    }

    /** The object at {@code field}, or null if absent or not an object. */
    static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isObject() ? n : null;
    }

    /** The first element of the array at {@code field} if it is an object, else null. */
    static JsonNode firstOf(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || !n.isArray() || n.isEmpty()) {
            return null;
        }
        JsonNode first = n.get(0);
        return first.isObject() ? first : null;
    }

    static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    static Long firstNonNull(Long a, Long b) {
        return a != null ? a : b;
    }

    /** The top-level {@code amazon-bedrock-invocationMetrics} object, which any family's last chunk may carry. */
    static InvocationMetrics metrics(JsonNode chunk) {
        JsonNode m = object(chunk, METRICS_FIELD);
        if (m == null) {
            return null;
        }
        return new InvocationMetrics(
                number(m, "inputTokenCount"),
                number(m, "outputTokenCount"),
                number(m, "invocationLatency"),
                number(m, "firstByteLatency"));
    }
}
