package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * DeepSeek R1: AWS documents {@code choices[0].text/stop_reason}, litellm reads the stream Llama-style;
 * both are accepted.
 */
final class DeepSeekChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        JsonNode choice = ChunkJson.firstOf(chunk, "choices");
        if (choice == null) {
            return LlamaChunkParser.parseLlamaShape(chunk);
        }
        String stopReason =
                ChunkJson.firstNonNull(ChunkJson.text(choice, "stop_reason"), ChunkJson.text(choice, "finish_reason"));
        return new ParsedChunk(ChunkJson.text(choice, "text"), stopReason, null, null, null, stopReason != null);
    }
}
