package io.bedrockstream.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The chunk parser of each model family. Parsers are stateless and thread-safe. */
public final class ChunkParsers {

    private static final Map<ModelFamily, ChunkParser> PARSERS = new EnumMap<>(ModelFamily.class);

    static {
        ChunkParser mistral = new MistralChunkParser();
        ChunkParser chatCompletion = new ChatCompletionChunkParser();
        PARSERS.put(ModelFamily.ANTHROPIC, new AnthropicChunkParser());
        PARSERS.put(ModelFamily.TITAN, new TitanChunkParser());
        PARSERS.put(ModelFamily.NOVA, new NovaChunkParser());
        PARSERS.put(ModelFamily.LLAMA, new LlamaChunkParser());
        PARSERS.put(ModelFamily.MISTRAL, mistral);
        PARSERS.put(ModelFamily.MISTRAL_CHAT, mistral);
        PARSERS.put(ModelFamily.COHERE, new CohereChunkParser());
        PARSERS.put(ModelFamily.JAMBA, chatCompletion);
        PARSERS.put(ModelFamily.DEEPSEEK, new DeepSeekChunkParser());
        PARSERS.put(ModelFamily.OPENAI, chatCompletion);
    }

    private ChunkParsers() {}

    public static ChunkParser forFamily(ModelFamily family) {
        return PARSERS.get(Objects.requireNonNull(family, "family"));
    }
}
