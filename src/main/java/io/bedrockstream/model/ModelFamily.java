package io.bedrockstream.model;

import java.util.Locale;
import java.util.Optional;

/** The model families whose native request and chunk formats the connector understands. */
public enum ModelFamily {
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
    public String configName() {
        return configName;
    }

    public static Optional<ModelFamily> fromConfigName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (ModelFamily f : values()) {
            if (f.configName.equals(wanted)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
