package io.bedrockstream.request;

import io.bedrockstream.model.ConfigNamed;
import java.util.Optional;

/** Which Bedrock Runtime streaming API a request is sent to ({@code bedrock.api}). */
public enum BedrockApi implements ConfigNamed {
    /** {@code InvokeModelWithResponseStream}: the body is the model family's native JSON. */
    INVOKE("invoke"),
    /** {@code ConverseStream}: the body is a Converse request (messages, system, inferenceConfig, …). */
    CONVERSE("converse");

    private final String configName;

    BedrockApi(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    public static Optional<BedrockApi> fromConfigName(String name) {
        return ConfigNamed.fromConfigName(BedrockApi.class, name);
    }
}
