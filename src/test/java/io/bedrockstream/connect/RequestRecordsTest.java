package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.request.RequestRecord;
import io.bedrockstream.request.SourceCoordinates;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RequestRecordsTest {

    static final Schema MESSAGE = SchemaBuilder.struct()
            .name("Message")
            .field("role", Schema.STRING_SCHEMA)
            .field("content", Schema.STRING_SCHEMA)
            .build();
    static final Schema REQUEST = SchemaBuilder.struct()
            .name("Request")
            .field("id", Schema.STRING_SCHEMA)
            .field("messages", SchemaBuilder.array(MESSAGE).build())
            .field("max_tokens", Schema.INT32_SCHEMA)
            .field("image", Schema.OPTIONAL_BYTES_SCHEMA)
            .field(
                    "tags",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).build())
            .field("price", Decimal.schema(2))
            .field("day", Date.SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("time", Time.SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static SinkRecord record(Schema keySchema, Object key, Schema valueSchema, Object value, ConnectHeaders headers) {
        return new SinkRecord(
                "requests", 2, keySchema, key, valueSchema, value, 17L, 1000L, TimestampType.CREATE_TIME, headers);
    }

    @Test
    void nestedStructsArraysBytesAndLogicalTypes() {
        Struct value = new Struct(REQUEST)
                .put("id", "r-1")
                .put("messages", List.of(new Struct(MESSAGE).put("role", "user").put("content", "Hi")))
                .put("max_tokens", 100)
                .put("image", ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .put("tags", Map.of("a", 1L))
                .put("price", new BigDecimal("12.50"))
                .put("day", new java.util.Date(19_753L * 86_400_000L))
                .put("at", new java.util.Date(1_706_708_700_000L))
                .put("time", new java.util.Date(49_500_000L));
        RequestRecord r =
                RequestRecords.from(record(Schema.STRING_SCHEMA, "k-1", REQUEST, value, new ConnectHeaders()));

        assertThat(r.topic()).isEqualTo("requests");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(17L);
        assertThat(r.key()).isEqualTo("k-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) r.value();
        assertThat(map)
                .containsOnlyKeys(
                        "id", "messages", "max_tokens", "image", "tags", "price", "day", "at", "time", "note");
        assertThat(map.keySet())
                .containsExactly("id", "messages", "max_tokens", "image", "tags", "price", "day", "at", "time", "note");
        assertThat(map.get("messages")).isEqualTo(List.of(Map.of("role", "user", "content", "Hi")));
        assertThat(map.get("max_tokens")).isEqualTo(100);
        assertThat((byte[]) map.get("image")).containsExactly(1, 2, 3);
        assertThat(map.get("tags")).isEqualTo(Map.of("a", 1L));
        assertThat(map.get("price")).isEqualTo(new BigDecimal("12.50"));
        assertThat(map.get("day")).isEqualTo("2024-01-31");
        assertThat(map.get("at")).isEqualTo("2024-01-31T13:45:00Z");
        assertThat(map.get("time")).isEqualTo("13:45:00");
        assertThat(map.get("note")).isNull();
    }

    @Test
    void schemalessValuesConvertToo() {
        Map<Object, Object> value = new LinkedHashMap<>();
        value.put("prompt", "Hello");
        value.put(7, List.of(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8)), Map.of("n", true)));
        RequestRecord r = RequestRecords.from(record(null, null, null, value, new ConnectHeaders()));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) r.value();
        assertThat(map.keySet()).containsExactly("prompt", "7");
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) map.get("7");
        assertThat((byte[]) list.get(0)).containsExactly('x');
        assertThat(list.get(1)).isEqualTo(Map.of("n", true));
        assertThat(r.key()).isNull();
    }

    @Test
    void primitiveAndRawValuesPassThrough() {
        byte[] raw = "{\"prompt\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestRecords.from(record(null, null, Schema.BYTES_SCHEMA, raw, new ConnectHeaders()))
                        .value())
                .isSameAs(raw);
        assertThat(RequestRecords.from(record(null, null, Schema.STRING_SCHEMA, "hi", new ConnectHeaders()))
                        .value())
                .isEqualTo("hi");
        assertThat(RequestRecords.from(record(null, null, null, null, new ConnectHeaders()))
                        .value())
                .isNull();
    }

    @Test
    void aConsumedRecordKeepsItsCoordinatesConvertedDataAndLastHeaderValues() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("model", "a".getBytes(StandardCharsets.UTF_8));
        headers.add("model", "b".getBytes(StandardCharsets.UTF_8));
        headers.add("gone", "x".getBytes(StandardCharsets.UTF_8));
        headers.add("gone", null);
        Schema valueSchema =
                SchemaBuilder.struct().field("question", Schema.STRING_SCHEMA).build();
        RequestRecord r = RequestRecords.from(
                new SourceCoordinates("requests", 2, 41L),
                new org.apache.kafka.connect.data.SchemaAndValue(Schema.STRING_SCHEMA, "k-1"),
                new org.apache.kafka.connect.data.SchemaAndValue(
                        valueSchema, new Struct(valueSchema).put("question", "why?")),
                headers);
        assertThat(r.topic()).isEqualTo("requests");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(41L);
        assertThat(r.key()).isEqualTo("k-1");
        assertThat(r.value()).isEqualTo(Map.of("question", "why?"));
        assertThat(r.headers()).containsOnlyKeys("model");
        assertThat(r.headers().get("model")).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void structKeyBecomesAMap() {
        Schema keySchema = SchemaBuilder.struct()
                .field("tenant", Schema.STRING_SCHEMA)
                .field("n", Schema.INT64_SCHEMA)
                .build();
        Struct key = new Struct(keySchema).put("tenant", "acme").put("n", 5L);
        RequestRecord r = RequestRecords.from(record(keySchema, key, null, "v", new ConnectHeaders()));
        assertThat(r.key()).isEqualTo(Map.of("tenant", "acme", "n", 5L));
    }

    @Test
    void headersKeepTheLastValuePerKeyAsBytes() {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("x-request-id", "first");
        headers.addString("x-request-id", "second");
        headers.addBytes("x-bytes", new byte[] {9, 8});
        headers.addInt("x-int", 42);
        headers.addString("x-gone", "here");
        headers.add("x-gone", null, Schema.OPTIONAL_STRING_SCHEMA);
        RequestRecord r = RequestRecords.from(record(null, null, null, "v", headers));
        assertThat(r.headers()).containsOnlyKeys("x-request-id", "x-bytes", "x-int");
        assertThat(new String(r.headers().get("x-request-id"), StandardCharsets.UTF_8))
                .isEqualTo("second");
        assertThat(r.headers().get("x-bytes")).containsExactly(9, 8);
        assertThat(new String(r.headers().get("x-int"), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    @Test
    void coordinatesAreTheOriginalOnesBeforeTransforms() {
        SinkRecord original = record(null, null, null, "v", new ConnectHeaders());
        SinkRecord renamed = original.newRecord("renamed", 0, null, null, null, "v", 1000L);
        RequestRecord r = RequestRecords.from(renamed);
        assertThat(r.topic()).isEqualTo("requests");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(17L);
    }
}
