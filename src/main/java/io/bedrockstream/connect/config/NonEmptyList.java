package io.bedrockstream.connect.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A list with at least one non-blank entry, e.g. bootstrap servers or topics. */
public final class NonEmptyList implements ConfigDef.Validator {
    private final String what;

    /** @param what one entry in the user's words, e.g. "host:port" */
    public NonEmptyList(String what) {
        this.what = what;
    }

    @Override
    public void ensureValid(String name, Object value) {
        List<?> list = (List<?>) value;
        if (list == null
                || list.stream().allMatch(s -> s == null || s.toString().trim().isEmpty())) {
            throw new ConfigException(name, value, "Must list at least one " + what + ".");
        }
    }

    @Override
    public String toString() {
        return "a non-empty list of " + what;
    }
}
