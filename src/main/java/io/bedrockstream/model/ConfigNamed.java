package io.bedrockstream.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose constants are written in configs as {@link #configName()}: the one place a config value's
 * spelling lives. The config layer builds its validators and recommenders from {@link #names} and reads values
 * straight into the enum with {@link #fromConfigName}, so the code below it uses the same enum.
 */
public interface ConfigNamed {
    String configName();

    /** The config names of every constant, in declaration order. */
    static <E extends Enum<E> & ConfigNamed> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(ConfigNamed::configName)
                .toList();
    }

    /** The constant written as {@code name}, ignoring case and surrounding blanks; empty for null or unknown. */
    static <E extends Enum<E> & ConfigNamed> Optional<E> fromConfigName(Class<E> type, String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.configName().toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
