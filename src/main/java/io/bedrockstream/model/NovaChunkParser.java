package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Amazon Nova messages-v1: single-key events. Both {@code messageStop} and the {@code metadata} event that
 * follows it end the output, so a stream cut after {@code messageStop} still counts as finished.
 */
final class NovaChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        JsonNode blockDelta = ChunkJson.object(chunk, "contentBlockDelta");
        if (blockDelta != null) {
            return new ParsedChunk(
                    ChunkJson.text(ChunkJson.object(blockDelta, "delta"), "text"), null, null, null, null, false);
        }
        JsonNode messageStop = ChunkJson.object(chunk, "messageStop");
        if (messageStop != null) {
            return new ParsedChunk(null, ChunkJson.text(messageStop, "stopReason"), null, null, null, true);
        }
        JsonNode metadata = ChunkJson.object(chunk, "metadata");
        if (metadata != null) {
            JsonNode usage = ChunkJson.object(metadata, "usage");
            return new ParsedChunk(
                    null,
                    null,
                    ChunkJson.number(usage, "inputTokens"),
                    ChunkJson.number(usage, "outputTokens"),
                    null,
                    true);
        }
        return NOTHING;
    }
}
