package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Mistral text models stream {@code outputs[0].text/stop_reason}; Mistral Large 2407 streams chat
 * {@code choices}. Which one a model speaks is not reliably in its id, so both families read both shapes.
 */
final class MistralChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        JsonNode output = ChunkJson.firstOf(chunk, "outputs");
        if (output == null) {
            return ChatCompletionChunkParser.parseChoices(chunk);
        }
        String stopReason =
                ChunkJson.firstNonNull(ChunkJson.text(output, "stop_reason"), ChunkJson.text(output, "finish_reason"));
        return new ParsedChunk(ChunkJson.text(output, "text"), stopReason, null, null, null, stopReason != null);
    }
}
