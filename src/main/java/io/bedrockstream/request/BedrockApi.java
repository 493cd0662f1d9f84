package io.bedrockstream.request;

import java.util.Locale;
import java.util.Optional;

/** Which Bedrock Runtime streaming API a request is sent to ({@code bedrock.api}). */
public enum BedrockApi {
    /** {@code InvokeModelWithResponseStream}: the body is the model family's native JSON. */
    INVOKE("invoke"),
    /** {@code ConverseStream}: the body is a Converse request (messages, system, inferenceConfig, …). */
    CONVERSE("converse");

    private final String configName;

    BedrockApi(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<BedrockApi> fromConfigName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (BedrockApi a : values()) {
            if (a.configName.equals(wanted)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
