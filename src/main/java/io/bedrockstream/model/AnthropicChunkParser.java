package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Anthropic Messages streaming events; only {@code text_delta} carries answer text. */
final class AnthropicChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        String type = ChunkJson.text(chunk, "type");
        if (type == null) {
            return NOTHING;
        }
        switch (type) {
            case "message_start": {
                JsonNode usage = ChunkJson.object(ChunkJson.object(chunk, "message"), "usage");
                return new ParsedChunk(
                        null,
                        null,
                        ChunkJson.number(usage, "input_tokens"),
                        ChunkJson.number(usage, "output_tokens"),
                        null,
                        false);
            }
            case "content_block_delta": {
                JsonNode delta = ChunkJson.object(chunk, "delta");
                // tool input (input_json_delta) and thinking/signature deltas are not answer text
                String text = "text_delta".equals(ChunkJson.text(delta, "type")) ? ChunkJson.text(delta, "text") : null;
                return new ParsedChunk(text, null, null, null, null, false);
            }
            case "message_delta": {
                JsonNode usage = ChunkJson.object(chunk, "usage");
                return new ParsedChunk(
                        null,
                        ChunkJson.text(ChunkJson.object(chunk, "delta"), "stop_reason"),
                        ChunkJson.number(usage, "input_tokens"),
                        ChunkJson.number(usage, "output_tokens"),
                        null,
                        false);
            }
            case "message_stop":
                return new ParsedChunk(null, null, null, null, null, true);
            default:
                return NOTHING;
        }
    }
}
