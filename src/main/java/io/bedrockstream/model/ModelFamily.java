package io.bedrockstream.model;

import java.util.Optional;

/** The model families whose native request and chunk formats the connector understands. */
public enum ModelFamily implements ConfigNamed {
    ANTHROPIC("anthropic"),
    TITAN("titan"),
    NOVA("nova"),
    LLAMA("llama"),
    MISTRAL("mistral"),
    MISTRAL_CHAT("mistral-chat"),
    COHERE("cohere"),
    JAMBA("jamba"),
    DEEPSEEK("deepseek"),
    OPENAI("openai");

    private final String configName;

    ModelFamily(String configName) {
        this.configName = configName;
    }

    /** The value users write in {@code bedrock.model.family}. */
    @Override
    public String configName() {
        return configName;
    }

    public static Optional<ModelFamily> fromConfigName(String name) {
        return ConfigNamed.fromConfigName(ModelFamily.class, name);
    }
}
