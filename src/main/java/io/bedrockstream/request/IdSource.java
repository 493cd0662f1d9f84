package io.bedrockstream.request;

import io.bedrockstream.model.ConfigNamed;
import java.util.Optional;

/** Where the request id comes from ({@code request.id.source}). All fall back to {@code <topic>-<partition>-<offset>}. */
public enum IdSource implements ConfigNamed {
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

    @Override
    public String configName() {
        return configName;
    }

    public static Optional<IdSource> fromConfigName(String name) {
        return ConfigNamed.fromConfigName(IdSource.class, name);
    }
}
