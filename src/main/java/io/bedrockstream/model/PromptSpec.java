package io.bedrockstream.model;

import java.util.List;

/** A plain prompt and its inference parameters, turned into a family's native body by {@code PromptBodies}. */
public record PromptSpec(
        String prompt,
        String systemPrompt,
        Integer maxTokens,
        Double temperature,
        Double topP,
        List<String> stopSequences) {
    public PromptSpec {
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
    }
}
