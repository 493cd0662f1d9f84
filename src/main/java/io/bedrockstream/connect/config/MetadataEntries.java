package io.bedrockstream.connect.config;

import io.bedrockstream.request.RequestMetadata;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** {@code key=value} entries within Bedrock's request-metadata limits (keys, values, at most 16 pairs). */
final class MetadataEntries implements ConfigDef.Validator {
    private final String key;

    MetadataEntries(String key) {
        this.key = key;
    }

    @Override
    public void ensureValid(String name, Object value) {
        List<String> entries = value == null
                ? List.of()
                : ((List<?>) value).stream().map(String::valueOf).collect(Collectors.toList());
        Map<String, String> parsed;
        try {
            parsed = RequestMetadata.parse(entries, key);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
        List<String> problems = RequestMetadata.problems(parsed, Map.of());
        if (!problems.isEmpty()) {
            throw new ConfigException(name, value, String.join("; ", problems));
        }
    }

    @Override
    public String toString() {
        return "key=value pairs, at most " + RequestMetadata.MAX_PAIRS;
    }
}
