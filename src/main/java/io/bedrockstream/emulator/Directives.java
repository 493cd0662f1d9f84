package io.bedrockstream.emulator;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code [[emu key=value ...]]} token found anywhere in the raw request body. It rides inside the
 * prompt so that any request mode of the connector carries it to the emulator unchanged.
 */
final class Directives {

    static final Directives NONE = new Directives(Map.of());
    private static final String OPEN = "[[emu";

    private final Map<String, String> values;

    private Directives(Map<String, String> values) {
        this.values = values;
    }

    static Directives parse(String body) {
        int start = body.indexOf(OPEN);
        if (start < 0) {
            return NONE;
        }
        int end = body.indexOf("]]", start);
        if (end < 0) {
            return NONE;
        }
        String inner = body.substring(start + OPEN.length(), end).trim();
        Map<String, String> values = new HashMap<>();
        for (String pair : inner.split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new Directives(Collections.unmodifiableMap(values));
    }

    String id() {
        return values.getOrDefault("id", "-");
    }

    String string(String key) {
        return values.get(key);
    }

    OptionalInt integer(String key) {
        String v = values.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    OptionalLong longValue(String key) {
        String v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A fault that applies to the first {@code times} attempts, or to every attempt when unset. */
    boolean appliesTo(String timesKey, int attempt) {
        OptionalInt times = integer(timesKey);
        return times.isEmpty() || attempt <= times.getAsInt();
    }
}
