package io.bedrockstream.request;

import io.bedrockstream.model.ConfigNamed;
import java.util.Optional;

/** How a request record's value becomes a Bedrock body ({@code request.mode}). */
public enum RequestMode implements ConfigNamed {
    /** The value is the model-native body. */
    PASSTHROUGH("passthrough"),
    /** The value (or a field of it) is a prompt; the body is built for the model's family. */
    PROMPT("prompt"),
    /** The body is {@code request.template} with fields of the value filled in. */
    TEMPLATE("template");

    private final String configName;

    RequestMode(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    public static Optional<RequestMode> fromConfigName(String name) {
        return ConfigNamed.fromConfigName(RequestMode.class, name);
    }
}
