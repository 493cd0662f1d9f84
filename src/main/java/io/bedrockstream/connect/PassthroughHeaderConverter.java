package io.bedrockstream.connect;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

/**
 * A header converter that writes byte values as they are and everything else as Connect's default
 * {@link SimpleHeaderConverter} does. Set {@code header.converter} to it on the source connector so that request
 * headers that are not UTF-8 text reach the dead-letter topic byte for byte (the default converter writes them
 * base64-encoded). Reading, it behaves as the default converter.
 */
public class PassthroughHeaderConverter implements HeaderConverter {
    private final SimpleHeaderConverter delegate = new SimpleHeaderConverter();

    @Override
    public void configure(Map<String, ?> configs) {
        delegate.configure(configs);
    }

    @Override
    public SchemaAndValue toConnectHeader(String topic, String headerKey, byte[] value) {
        return delegate.toConnectHeader(topic, headerKey, value);
    }

    @Override
    public byte[] fromConnectHeader(String topic, String headerKey, Schema schema, Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return delegate.fromConnectHeader(topic, headerKey, schema, value);
    }

    @Override
    public ConfigDef config() {
        return delegate.config();
    }

    @Override
    public void close() throws java.io.IOException {
        delegate.close();
    }
}
