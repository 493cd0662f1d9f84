package io.bedrockstream.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bedrockstream.request.InvalidRequestException.Reason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Strict decoding of record values: UTF-8 that reports bad bytes instead of replacing them, and JSON whose
 * errors say where, never what (Jackson's source snippets are off, so a body cannot leak into a message).
 */
final class RequestJson {

    // BigDecimal keeps record numbers exact when a template re-inserts them (a double would turn 1e400 into
    // Infinity, which is not JSON)
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final ObjectReader READER = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int MAX_DETAIL_CHARS = 100;

    private RequestJson() {}

    /** Connect hands bytes over as byte[] or ByteBuffer; treat both as bytes. */
    static Object normalise(Object value) {
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        return value;
    }

    static String decodeUtf8(byte[] bytes, String what) throws InvalidRequestException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            CharBuffer chars = decoder.decode(in);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(
                    Reason.NOT_UTF8,
                    what + " is not valid UTF-8 (bad byte sequence at byte " + in.position() + " of " + bytes.length
                            + "); the producer must send UTF-8 text",
                    e);
        }
    }

    /** Parses text that must be one JSON value and nothing after it. */
    static JsonNode parse(String text, String what) throws InvalidRequestException {
        try {
            JsonNode node = READER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new InvalidRequestException(Reason.NOT_JSON, what + " is empty, expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(Reason.NOT_JSON, what + " is not JSON: " + shortError(e), e);
        }
    }

    /** Jackson's message without the source, cut short, plus the line and column. */
    static String shortError(JsonProcessingException e) {
        String detail = e.getOriginalMessage();
        if (detail == null) {
            detail = e.getClass().getSimpleName();
        }
        int newline = detail.indexOf('\n');
        if (newline >= 0) {
            detail = detail.substring(0, newline);
        }
        if (detail.length() > MAX_DETAIL_CHARS) {
            detail = detail.substring(0, MAX_DETAIL_CHARS) + "…";
        }
        return e.getLocation() == null
                ? detail
                : detail + " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }

    /**
     * The value as a JSON tree: maps and lists as they are, strings and bytes parsed as JSON text.
     *
     * @param what names the value in messages, e.g. "record value"
     */
    static JsonNode tree(Object value, String what) throws InvalidRequestException {
        Object v = normalise(value);
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            try {
                return MAPPER.valueToTree(v);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(
                        Reason.UNSUPPORTED_VALUE_TYPE,
                        what + " holds something that cannot be written as JSON: "
                                + e.getClass().getSimpleName(),
                        e);
            }
        }
        if (v instanceof String s) {
            return parse(s, what);
        }
        if (v instanceof byte[] bytes) {
            return parse(decodeUtf8(bytes, what), what);
        }
        throw unsupported(v, what, "a map/struct, a JSON string or JSON bytes");
    }

    static InvalidRequestException unsupported(Object value, String what, String expected) {
        return new InvalidRequestException(
                Reason.UNSUPPORTED_VALUE_TYPE,
                what + " is a " + (value == null ? "null" : value.getClass().getSimpleName()) + "; expected "
                        + expected);
    }
}
