package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Meta Llama: {@code generation} deltas; the last chunk has a non-null {@code stop_reason}. */
final class LlamaChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        return parseLlamaShape(chunk);
    }

    /** Shared with DeepSeek, whose stream litellm reads in this shape. */
    static ParsedChunk parseLlamaShape(JsonNode chunk) {
        String stopReason = ChunkJson.text(chunk, "stop_reason");
        return new ParsedChunk(
                ChunkJson.text(chunk, "generation"),
                stopReason,
                ChunkJson.number(chunk, "prompt_token_count"),
                ChunkJson.number(chunk, "generation_token_count"),
                null,
                stopReason != null);
    }
}
