package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Cohere Command R/R+ native stream events, and the older Command {@code generations} shape. */
final class CohereChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        JsonNode generation = ChunkJson.firstOf(chunk, "generations");
        if (generation != null) {
            String stopReason = ChunkJson.text(generation, "finish_reason");
            return new ParsedChunk(
                    ChunkJson.text(generation, "text"), stopReason, null, null, null, stopReason != null);
        }
        String eventType = ChunkJson.text(chunk, "event_type");
        String text = "text-generation".equals(eventType) ? ChunkJson.text(chunk, "text") : null;
        boolean terminal = "stream-end".equals(eventType) || ChunkJson.isTrue(chunk, "is_finished");
        if (!terminal) {
            return new ParsedChunk(text, null, null, null, null, false);
        }
        // stream-end repeats the whole response; its billed units are the usage figures
        JsonNode billed =
                ChunkJson.object(ChunkJson.object(ChunkJson.object(chunk, "response"), "meta"), "billed_units");
        return new ParsedChunk(
                text,
                ChunkJson.text(chunk, "finish_reason"),
                ChunkJson.number(billed, "input_tokens"),
                ChunkJson.number(billed, "output_tokens"),
                null,
                true);
    }
}
