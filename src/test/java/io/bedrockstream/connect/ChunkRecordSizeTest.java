package io.bedrockstream.connect;

import static io.bedrockstream.bench.ChunkRecordBytes.chunk;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bench.ChunkRecordBytes;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The bytes a chunk record costs on the wire at the sink's defaults (key + value; the sink writes no headers). */
class ChunkRecordSizeTest {

    @Test
    void aOneWordChunkRecordIsAtMost200BytesAtTheDefaults() {
        assertThat(ChunkRecordBytes.atDefaults()).isLessThanOrEqualTo(200);
    }

    @Test
    void theFirstChunkStillCarriesTheInvocationsContextAndLaterOnesWhatAReaderNeeds() {
        BedrockSinkConfig config = ChunkRecordBytes.sinkConfig(Map.of());
        String first = new String(
                config.outputValueConverter()
                        .fromConnectData(
                                "t", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(chunk(0), false, false)),
                StandardCharsets.UTF_8);
        String later = new String(
                config.outputValueConverter()
                        .fromConnectData(
                                "t", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(chunk(1), false, false)),
                StandardCharsets.UTF_8);
        assertThat(first).contains("\"model_id\":\"" + ChunkRecordBytes.MODEL + "\"", "\"source_offset\":1234567");
        assertThat(later)
                .doesNotContain("model_id", "source_", "null", "\"chunk\":")
                .contains(
                        "\"request_id\":\"order-000042\"",
                        "\"invocation_id\":\"" + ChunkRecordBytes.INVOCATION,
                        "\"attempt\":1",
                        "\"seq\":1",
                        "\"event\":\"chunk\"",
                        "\"text\":\" hello\"");
    }

    @Test
    void theOldFullRecordIsWhatTheSettingsBringBack() {
        BedrockSinkConfig full = ChunkRecordBytes.sinkConfig(Map.of(
                "output.chunk.raw",
                "true",
                "output.chunk.context",
                "true",
                "output.value.converter",
                JsonConverter.class.getName(),
                "output.value.converter.schemas.enable",
                "false"));
        String value = new String(
                full.outputValueConverter()
                        .fromConnectData("t", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(chunk(7), true, true)),
                StandardCharsets.UTF_8);
        assertThat(value).contains("\"model_id\":", "\"source_topic\":", "\"chunk\":", "\"stop_reason\":null");
        assertThat(ChunkRecordBytes.wireBytes(full, chunk(7))).isGreaterThan(500);
    }
}
