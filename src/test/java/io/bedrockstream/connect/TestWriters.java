package io.bedrockstream.connect;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;

/** Output writers for task unit tests: string keys and schemaless JSON values, to a producer the test gives. */
final class TestWriters {
    private TestWriters() {}

    static OutputWriter writer(Producer<byte[], byte[]> producer, BedrockSinkConfig config) {
        StringConverter keys = new StringConverter();
        keys.configure(Map.of(), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        return new OutputWriter(
                producer,
                keys,
                values,
                config.outputTopic(),
                config.completionsTopic().orElse(null),
                false);
    }
}
