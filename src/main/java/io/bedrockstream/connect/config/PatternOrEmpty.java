package io.bedrockstream.connect.config;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A STRING key that is either empty (not set) or matches a pattern in full. */
public final class PatternOrEmpty implements ConfigDef.Validator {
    private final Pattern pattern;
    private final String description;

    public PatternOrEmpty(String regex, String description) {
        this.pattern = Pattern.compile(regex);
        this.description = description;
    }

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (!s.isEmpty() && !pattern.matcher(s).matches()) {
            throw new ConfigException(name, value, "Must be " + description + ".");
        }
    }

    @Override
    public String toString() {
        return "\"\" or " + description;
    }
}
