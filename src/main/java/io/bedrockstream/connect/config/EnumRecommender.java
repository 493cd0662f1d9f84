package io.bedrockstream.connect.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Offers a fixed list of values to UIs (a drop-down) for an enumerated key. Always visible. */
public final class EnumRecommender implements ConfigDef.Recommender {
    private final List<Object> values;

    public EnumRecommender(List<String> values) {
        this.values = List.copyOf(values);
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return values;
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        return true;
    }
}
