package io.bedrockstream.connect.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/** Defines the keys of one documented group in order, so "order in group" cannot drift when keys move. */
final class Group {
    private final ConfigDef def;
    private final String name;
    private int order;

    Group(ConfigDef def, String name) {
        this.def = def;
        this.name = name;
    }

    Group define(
            String key,
            ConfigDef.Type type,
            Object defaultValue,
            ConfigDef.Validator validator,
            ConfigDef.Importance importance,
            ConfigDef.Width width,
            String displayName,
            String doc) {
        return define(key, type, defaultValue, validator, importance, width, displayName, doc, null, List.of());
    }

    Group define(
            String key,
            ConfigDef.Type type,
            Object defaultValue,
            ConfigDef.Validator validator,
            ConfigDef.Importance importance,
            ConfigDef.Width width,
            String displayName,
            String doc,
            ConfigDef.Recommender recommender) {
        return define(key, type, defaultValue, validator, importance, width, displayName, doc, recommender, List.of());
    }

    Group define(
            String key,
            ConfigDef.Type type,
            Object defaultValue,
            ConfigDef.Validator validator,
            ConfigDef.Importance importance,
            ConfigDef.Width width,
            String displayName,
            String doc,
            ConfigDef.Recommender recommender,
            List<String> dependents) {
        def.define(
                key,
                type,
                defaultValue,
                validator,
                importance,
                doc,
                name,
                ++order,
                width,
                displayName,
                dependents,
                recommender);
        return this;
    }
}
