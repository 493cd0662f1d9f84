package io.bedrockstream.connect;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.engine.EventType;
import io.bedrockstream.engine.OutputEvent;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The bytes a chunk record costs on the wire at the sink's defaults (key + value; the sink writes no headers). */
class ChunkRecordSizeTest {
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static final String INVOCATION = "3f2b8c1e-9a4d-4e7b-8f61-2c5d9e0a7b13";
    static final String RAW = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
            + "\"text\":\" hello\"}}";

    static OutputEvent chunk(long seq) {
        return new OutputEvent("order-000042", INVOCATION, 1, seq, EventType.CHUNK, MODEL, " hello", RAW, null,
                null, null, null, null, null, null, null, null, null, "bedrock-requests", 3, 1_234_567L);
    }

    static BedrockSinkConfig defaults() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "size");
        props.put("bedrock.region", "us-east-1");
        props.put("bedrock.model.id", MODEL);
        props.put("output.topic", "bedrock-output");
        props.put("output.bootstrap.servers", "localhost:9092");
        return new BedrockSinkConfig(props);
    }

    static int wireBytes(BedrockSinkConfig config, OutputEvent e) {
        Converter keys = config.outputKeyConverter();
        Converter values = config.outputValueConverter();
        byte[] key = keys.fromConnectData("bedrock-output", OutputRecords.KEY_SCHEMA, e.requestId());
        byte[] value = values.fromConnectData("bedrock-output", OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(e, config.outputChunkRaw(), config.outputChunkContext()));
        return key.length + value.length;
    }

    @Test
    void aOneWordChunkRecordIsAtMost200BytesAtTheDefaults() {
        BedrockSinkConfig config = defaults();
        int bytes = wireBytes(config, chunk(7));
        System.out.println("one-word chunk record at defaults: " + bytes + " bytes");
        assertThat(bytes).isLessThanOrEqualTo(200);
    }

    @Test
    void theFirstChunkStillCarriesTheInvocationsContext() {
        BedrockSinkConfig config = defaults();
        byte[] first = config.outputValueConverter().fromConnectData("t", OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(chunk(0), false, false));
        byte[] later = config.outputValueConverter().fromConnectData("t", OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(chunk(1), false, false));
        assertThat(new String(first)).contains("\"model_id\":\"" + MODEL + "\"", "\"source_offset\":1234567");
        assertThat(new String(later)).doesNotContain("model_id", "source_", "null", "chunk\":")
                .contains("\"text\":\" hello\"", "\"seq\":1", "\"invocation_id\"", "\"request_id\"");
    }

    @Test
    void theOldFullRecordIsWhatTheSettingsBringBack() {
        Map<String, String> props = new HashMap<>(Map.of("name", "size", "bedrock.region", "us-east-1",
                "bedrock.model.id", MODEL, "output.topic", "bedrock-output", "output.bootstrap.servers", "x:9092"));
        props.put("output.chunk.raw", "true");
        props.put("output.chunk.context", "true");
        props.put("output.value.converter", JsonConverter.class.getName());
        int full = wireBytes(new BedrockSinkConfig(props), chunk(7));
        System.out.println("one-word chunk record, old defaults: " + full + " bytes");
        assertThat(full).isGreaterThan(500);
    }
}
