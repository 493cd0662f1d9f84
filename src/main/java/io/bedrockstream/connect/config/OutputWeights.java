package io.bedrockstream.connect.config;

import io.bedrockstream.engine.OutputTokenWeights;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** {@code pattern:weight} entries for {@code rate.tokens.output.weights} ({@link OutputTokenWeights}). */
final class OutputWeights implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        try {
            OutputTokenWeights.parse(value == null ? null : value.toString());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "comma-separated model-pattern:weight entries, weights from 1 to 100";
    }
}
