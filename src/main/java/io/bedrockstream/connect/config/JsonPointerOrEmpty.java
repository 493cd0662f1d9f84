package io.bedrockstream.connect.config;

import com.fasterxml.jackson.core.JsonPointer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Empty (the whole value), or an RFC 6901 JSON pointer such as {@code /messages/0/content}. */
public final class JsonPointerOrEmpty implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString();
        if (s.isEmpty()) {
            return;
        }
        try {
            JsonPointer.compile(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "Must be a JSON pointer starting with '/', e.g. /prompt.");
        }
    }

    @Override
    public String toString() {
        return "\"\" or a JSON pointer (RFC 6901), e.g. /prompt";
    }
}
