package io.bedrockstream.bench;

import io.bedrockstream.connect.OutputRecords;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.engine.EventType;
import io.bedrockstream.engine.OutputEvent;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.storage.Converter;

/**
 * The bytes one chunk record costs on the wire (key + value; the sink writes no headers) for a one-word delta:
 * a realistic request id, a UUID invocation id, a full model id, a mid-answer seq.
 */
public final class ChunkRecordBytes {
    public static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    public static final String INVOCATION = "3f2b8c1e-9a4d-4e7b-8f61-2c5d9e0a7b13";
    public static final String RAW = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
            + "\"text\":\" hello\"}}";

    private ChunkRecordBytes() {}

    public static OutputEvent chunk(long seq) {
        return new OutputEvent(
                "order-000042",
                INVOCATION,
                1,
                seq,
                EventType.CHUNK,
                MODEL,
                " hello",
                RAW,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "bedrock-requests",
                3,
                1_234_567L);
    }

    /** A sink config with only the required settings plus {@code extra}. */
    public static BedrockSinkConfig sinkConfig(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "size");
        props.put("bedrock.region", "us-east-1");
        props.put("bedrock.model.id", MODEL);
        props.put("output.topic", "bedrock-output");
        props.put("output.bootstrap.servers", "localhost:9092");
        props.putAll(extra);
        return new BedrockSinkConfig(props);
    }

    public static int wireBytes(BedrockSinkConfig config, OutputEvent e) {
        Converter keys = config.outputKeyConverter();
        Converter values = config.outputValueConverter();
        byte[] key = keys.fromConnectData("bedrock-output", OutputRecords.KEY_SCHEMA, e.requestId());
        byte[] value = values.fromConnectData(
                "bedrock-output",
                OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(e, config.outputChunkRaw(), config.outputChunkContext()));
        return key.length + value.length;
    }

    public static int atDefaults() {
        return wireBytes(sinkConfig(Map.of()), chunk(7));
    }
}
