package io.bedrockstream.connect;

import io.bedrockstream.request.RequestRecord;
import io.bedrockstream.request.SourceCoordinates;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a {@link SinkRecord} into the Connect-free {@link RequestRecord} the request layer maps.
 * Structs and maps become {@code Map<String,Object>} (field order kept), arrays become lists, bytes become
 * {@code byte[]}. Logical types become JSON-friendly values: Decimal a {@link BigDecimal}, Date an ISO date
 * ({@code 2024-01-31}), Time an ISO time ({@code 13:45:00}), Timestamp an ISO instant
 * ({@code 2024-01-31T13:45:00Z}), so a template or prompt shows them as people write them.
 * The coordinates are the record's original ones (before any SMT), which are what offsets commit against.
 */
public final class RequestRecords {

    private RequestRecords() {}

    public static RequestRecord from(SinkRecord record) {
        return new RequestRecord(
                record.originalTopic(),
                record.originalKafkaPartition(),
                record.originalKafkaOffset(),
                toPlain(record.keySchema(), record.key()),
                toPlain(record.valueSchema(), record.value()),
                headers(record));
    }

    /**
     * A request record the source task consumed itself: its key and value as the {@code source.*.converter}
     * read them, its headers as raw bytes (last value per name).
     */
    public static RequestRecord from(
            SourceCoordinates at,
            org.apache.kafka.connect.data.SchemaAndValue key,
            org.apache.kafka.connect.data.SchemaAndValue value,
            org.apache.kafka.common.header.Headers headers) {
        Map<String, byte[]> out = new HashMap<>();
        for (org.apache.kafka.common.header.Header h : headers) {
            if (h.value() == null) {
                out.remove(h.key());
            } else {
                out.put(h.key(), h.value());
            }
        }
        return new RequestRecord(
                at.topic(),
                at.partition(),
                at.offset(),
                toPlain(key.schema(), key.value()),
                toPlain(value.schema(), value.value()),
                out);
    }

    /** The Kafka partition a request record came from. */
    static TopicPartition topicPartition(SourceCoordinates at) {
        return new TopicPartition(at.topic(), at.partition());
    }

    /** Last value per header name; a header whose last value is null is absent. */
    static Map<String, byte[]> headers(SinkRecord record) {
        Map<String, byte[]> out = new HashMap<>();
        for (Header h : record.headers()) {
            byte[] bytes = headerBytes(h.value());
            if (bytes == null) {
                out.remove(h.key());
            } else {
                out.put(h.key(), bytes);
            }
        }
        return out;
    }

    private static byte[] headerBytes(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer bb) {
            return bytes(bb);
        }
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Converts a Connect value to plain Java; {@code schema} may be null (schemaless data). */
    static Object toPlain(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema != null && schema.name() != null) {
            Object logical = logical(schema.name(), value);
            if (logical != null) {
                return logical;
            }
        }
        if (value instanceof Struct struct) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Field f : struct.schema().fields()) {
                map.put(f.name(), toPlain(f.schema(), struct.get(f)));
            }
            return map;
        }
        if (value instanceof Map<?, ?> m) {
            Schema keySchema = schema == null ? null : schema.keySchema();
            Schema valueSchema = schema == null ? null : schema.valueSchema();
            Map<String, Object> map = new LinkedHashMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(toPlain(keySchema, k)), toPlain(valueSchema, v)));
            return map;
        }
        if (value instanceof List<?> list) {
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            List<Object> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(toPlain(elementSchema, o));
            }
            return out;
        }
        if (value instanceof ByteBuffer bb) {
            return bytes(bb);
        }
        if (value instanceof java.util.Date d) {
            return d.toInstant().toString(); // schemaless dates: an instant is the only safe reading
        }
        return value; // String, byte[], Number (incl. BigDecimal), Boolean
    }

    private static Object logical(String name, Object value) {
        return switch (name) {
            case Decimal.LOGICAL_NAME -> value instanceof BigDecimal ? value : null;
            case Date.LOGICAL_NAME ->
                value instanceof java.util.Date d
                        ? d.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString()
                        : null;
            case Time.LOGICAL_NAME ->
                value instanceof java.util.Date d
                        ? DateTimeFormatter.ISO_LOCAL_TIME.format(
                                LocalTime.ofNanoOfDay(Math.floorMod(d.getTime(), 86_400_000L) * 1_000_000L))
                        : null;
            case Timestamp.LOGICAL_NAME ->
                value instanceof java.util.Date d
                        ? Instant.ofEpochMilli(d.getTime()).toString()
                        : null;
            default -> null;
        };
    }

    private static byte[] bytes(ByteBuffer bb) {
        ByteBuffer copy = bb.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return b;
    }
}
