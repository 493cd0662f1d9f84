package io.bedrockstream.connect.config;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A STRING key whose value is one of a fixed set, compared ignoring case, optionally also empty
 * (empty meaning "not set"). Kafka's own {@code CaseInsensitiveValidString} has no "or empty".
 */
public final class OneOf implements ConfigDef.Validator {
    private final List<String> values;
    private final boolean emptyAllowed;

    private OneOf(List<String> values, boolean emptyAllowed) {
        this.values = List.copyOf(values);
        this.emptyAllowed = emptyAllowed;
    }

    public static OneOf of(List<String> values) {
        return new OneOf(values, false);
    }

    public static OneOf orEmpty(List<String> values) {
        return new OneOf(values, true);
    }

    public List<String> values() {
        return values;
    }

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (s.isEmpty()) {
            if (emptyAllowed) {
                return;
            }
            throw new ConfigException(name, value, "Must be one of " + values + ".");
        }
        String wanted = s.toLowerCase(Locale.ROOT);
        for (String v : values) {
            if (v.toLowerCase(Locale.ROOT).equals(wanted)) {
                return;
            }
        }
        throw new ConfigException(name, value, "Must be one of " + values + (emptyAllowed ? " or empty." : "."));
    }

    @Override
    public String toString() {
        return (emptyAllowed ? "\"\" or " : "") + "one of " + String.join(", ", values) + " (case-insensitive)";
    }
}
