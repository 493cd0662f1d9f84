package io.bedrockstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class ChunkRecordSerdeTest {
    private final ChunkRecordSerde serde = new ChunkRecordSerde();
    private final Deserializer<ChunkRecord> deserializer = serde.deserializer();
    private final ConnectorRecords.Invocation inv = new ConnectorRecords.Invocation("req-1", "inv-1", 2);

    @Test
    void readsTheSchemaEnvelopeOfJsonConverter() {
        ChunkRecord chunk = inv.chunk(3, "Hello");
        byte[] bytes = ConnectorRecords.envelope(chunk);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"schema\":");

        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(chunk);
    }

    @Test
    void readsTheBarePayloadOfJsonConverter() {
        ChunkRecord error = new ChunkRecord(
                "req-1",
                "inv-1",
                2,
                5,
                "error",
                "m",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "modelStreamErrorException",
                "boom",
                503,
                "upstream",
                true,
                "bedrock-requests",
                4,
                99L);
        assertThat(deserializer.deserialize("t", ConnectorRecords.bare(error))).isEqualTo(error);
    }

    @Test
    void writesTheBarePayloadInSnakeCaseAndReadsItBack() {
        ChunkRecord complete = inv.complete(7);
        byte[] bytes = serde.serializer().serialize("t", complete);

        JsonNode json = Json.readTree(bytes);
        assertThat(json.get("request_id").asText()).isEqualTo("req-1");
        assertThat(json.get("invocation_id").asText()).isEqualTo("inv-1");
        assertThat(json.get("seq").asLong()).isEqualTo(7);
        assertThat(json.get("event").asText()).isEqualTo("complete");
        assertThat(json.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(json.get("input_tokens").asLong()).isEqualTo(12);
        assertThat(json.has("schema")).isFalse();
        assertThat(deserializer.deserialize("t", bytes)).isEqualTo(complete);
    }

    @Test
    void nullValueAndNullPayloadReadAsNull() {
        assertThat(deserializer.deserialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", utf8("{\"schema\":null,\"payload\":null}")))
                .isNull();
    }

    @Test
    void rejectsValuesThatAreNotOutputRecords() {
        assertThatThrownBy(() -> deserializer.deserialize("t", utf8("not json {")))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> deserializer.deserialize("t", utf8("[1,2]")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> deserializer.deserialize("t", utf8("{\"request_id\":\"r\",\"seq\":0}")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("invocation_id");
        assertThatThrownBy(() -> deserializer.deserialize(
                        "t", utf8("{\"invocation_id\":\"i\",\"attempt\":1,\"seq\":null,\"event\":\"chunk\"}")))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        ChunkRecord read = deserializer.deserialize(
                "t",
                utf8(
                        "{\"invocation_id\":\"i\",\"attempt\":1,\"seq\":0,\"event\":\"chunk\",\"text\":\"x\",\"new_field\":1}"));
        assertThat(read.text()).isEqualTo("x");
        assertThat(read.requestId()).isNull();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
