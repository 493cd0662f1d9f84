package io.bedrockstream.connect.config;

import io.bedrockstream.model.ConfigNamed;
import java.util.List;
import java.util.Locale;

/**
 * Enumerated config values only the connect layer uses, and how any config value is read back into its enum.
 * The enums of the layers below (request mode, id source, API, HTTP protocol, credentials provider, model
 * family) are parsed straight into those enums; nothing here mirrors them.
 */
public final class Choice {
    private Choice() {}

    public static <E extends Enum<E> & ConfigNamed> List<String> names(Class<E> type) {
        return ConfigNamed.names(type);
    }

    /** Reads a value already checked by a {@link OneOf} validator, ignoring case. */
    public static <E extends Enum<E> & ConfigNamed> E parse(Class<E> type, String value) {
        return ConfigNamed.fromConfigName(type, value)
                .orElseThrow(() -> new IllegalArgumentException("Not one of " + names(type) + ": " + value));
    }

    public enum RequestOrdering implements ConfigNamed {
        NONE,
        KEY;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum SetupErrorAction implements ConfigNamed {
        DLQ,
        FAIL;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
