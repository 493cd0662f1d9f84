package io.bedrockstream.request;

import java.util.Locale;
import java.util.Optional;

/** How a request record's value becomes a Bedrock body ({@code request.mode}). */
public enum RequestMode {
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

    public String configName() {
        return configName;
    }

    public static Optional<RequestMode> fromConfigName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (RequestMode m : values()) {
            if (m.configName.equals(wanted)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
