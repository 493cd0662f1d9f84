package io.bedrockstream.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Encodes AWS event-stream frames (prelude, string headers, payload, CRC32s) the way Bedrock sends them.
 * Written from the wire format alone so it can catch mistakes in any decoder under test.
 */
public final class EventStreamEncoder {

    private static final byte STRING_TYPE = 7;

    private EventStreamEncoder() {}

    /** One frame; every header is sent as a type-7 string, in the map's iteration order. */
    public static byte[] encodeFrame(Map<String, String> headers, byte[] payload) {
        byte[] encodedHeaders = encodeHeaders(headers);
        int total = 12 + encodedHeaders.length + payload.length + 4;
        ByteBuffer frame = ByteBuffer.allocate(total);
        frame.putInt(total);
        frame.putInt(encodedHeaders.length);
        frame.putInt((int) crc32(frame.array(), 0, 8));
        frame.put(encodedHeaders);
        frame.put(payload);
        frame.putInt((int) crc32(frame.array(), 0, total - 4));
        return frame.array();
    }

    /** A chunk event frame carrying {@code {"bytes":"<base64>","p":"<padding>"}}. */
    public static byte[] chunkFrame(byte[] chunkPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", "chunk");
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return encodeFrame(headers, chunkPayload);
    }

    /** A ConverseStream event frame: {@code :event-type} is the union member name, the payload its JSON. */
    public static byte[] eventFrame(String eventType, byte[] jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return encodeFrame(headers, jsonPayload);
    }

    /** A modelled exception frame; {@code exceptionType} is the camelCase union member name. */
    public static byte[] exceptionFrame(String exceptionType, byte[] jsonPayload) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return encodeFrame(headers, jsonPayload);
    }

    /** An unmodelled error frame: the error lives in the headers, the payload is empty. */
    public static byte[] errorFrame(String errorCode, String errorMessage) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":message-type", "error");
        headers.put(":error-code", errorCode);
        headers.put(":error-message", errorMessage);
        return encodeFrame(headers, new byte[0]);
    }

    private static byte[] encodeHeaders(Map<String, String> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = header.getValue().getBytes(StandardCharsets.UTF_8);
            if (name.length > 255 || value.length > 0xFFFF) {
                throw new IllegalArgumentException("header too long: " + header.getKey());
            }
            out.write(name.length);
            out.writeBytes(name);
            out.write(STRING_TYPE);
            out.write(value.length >>> 8);
            out.write(value.length & 0xFF);
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    static long crc32(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
