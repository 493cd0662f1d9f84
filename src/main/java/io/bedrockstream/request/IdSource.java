package io.bedrockstream.request;

import java.util.Locale;
import java.util.Optional;

/** Where the request id comes from ({@code request.id.source}). All fall back to {@code <topic>-<partition>-<offset>}. */
public enum IdSource {
    /** The record key as a string. */
    KEY("key"),
    /** A header of the record ({@code request.id.header}). */
    HEADER("header"),
    /** A field of the value, by JSON pointer ({@code request.id.pointer}). */
    FIELD("field"),
    /** Always {@code <topic>-<partition>-<offset>}. */
    OFFSET("offset");

    private final String configName;

    IdSource(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<IdSource> fromConfigName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (IdSource s : values()) {
            if (s.configName.equals(wanted)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
