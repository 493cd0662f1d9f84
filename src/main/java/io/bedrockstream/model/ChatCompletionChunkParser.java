package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAI chat-completions chunk shape, used by AI21 Jamba and OpenAI gpt-oss. Sources disagree on
 * {@code delta} vs {@code message} and {@code finish_reason} vs {@code stop_reason} (BEDROCK.md §5), so
 * all of them are read.
 */
final class ChatCompletionChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        return parseChoices(chunk);
    }

    /** {@code choices[0]} text and stop reason plus top-level {@code usage}; shared with Mistral chat. */
    static ParsedChunk parseChoices(JsonNode chunk) {
        JsonNode usage = ChunkJson.object(chunk, "usage");
        Long inputTokens = ChunkJson.number(usage, "prompt_tokens");
        Long outputTokens = ChunkJson.number(usage, "completion_tokens");
        JsonNode choice = ChunkJson.firstOf(chunk, "choices");
        if (choice == null) {
            return new ParsedChunk(null, null, inputTokens, outputTokens, null, false);
        }
        String text = ChunkJson.firstNonNull(
                ChunkJson.text(ChunkJson.object(choice, "delta"), "content"),
                ChunkJson.text(ChunkJson.object(choice, "message"), "content"));
        String stopReason =
                ChunkJson.firstNonNull(ChunkJson.text(choice, "finish_reason"), ChunkJson.text(choice, "stop_reason"));
        return new ParsedChunk(text, stopReason, inputTokens, outputTokens, null, stopReason != null);
    }
}
