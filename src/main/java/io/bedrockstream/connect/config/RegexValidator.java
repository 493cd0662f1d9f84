package io.bedrockstream.connect.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A STRING key that is empty (not set) or a Java regular expression that compiles. */
public final class RegexValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (s.isEmpty()) {
            return;
        }
        try {
            Pattern.compile(s);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    name,
                    value,
                    "Must be a Java regular expression: " + e.getDescription() + " near index " + e.getIndex() + ".");
        }
    }

    @Override
    public String toString() {
        return "\"\" or a Java regular expression";
    }
}
