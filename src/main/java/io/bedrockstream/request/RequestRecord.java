package io.bedrockstream.request;

import java.util.Map;

/**
 * A Kafka record carrying a request, in plain Java terms (no Connect types), so the mapping can be
 * tested alone. The connect layer converts Structs to {@code Map<String,Object>} and lists to {@code List}.
 *
 * @param value   null, {@code byte[]}, {@code String}, {@code Map<String,Object>}, {@code List<Object>},
 *                a {@code Number} or a {@code Boolean}
 * @param headers the last value of each header, as raw bytes (UTF-8 for strings)
 */
public record RequestRecord(
        String topic, int partition, long offset, Object key, Object value, Map<String, byte[]> headers) {
    public RequestRecord {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    /** Where this record came from. */
    public SourceCoordinates source() {
        return new SourceCoordinates(topic, partition, offset);
    }
}
