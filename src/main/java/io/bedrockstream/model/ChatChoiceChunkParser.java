package io.bedrockstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenAI-chat-like shapes used by Mistral chat, AI21 Jamba and OpenAI gpt-oss. Sources disagree on
 * {@code delta} vs {@code message} and {@code finish_reason} vs {@code stop_reason}, so all are read.
 * Mistral text models ({@code outputs[0]}) are read too, since Mistral ids do not reliably say which
 * API a model speaks.
 */
final class ChatChoiceChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        JsonNode usage = ChunkJson.object(chunk, "usage");
        Long inputTokens = ChunkJson.number(usage, "prompt_tokens");
        Long outputTokens = ChunkJson.number(usage, "completion_tokens");

        JsonNode choice = ChunkJson.firstOf(chunk, "choices");
        if (choice == null) {
            choice = ChunkJson.firstOf(chunk, "outputs");
        }
        if (choice == null) {
            return new ParsedChunk(null, null, inputTokens, outputTokens, null, false);
        }
        String text = ChunkJson.firstNonNull(
                ChunkJson.text(ChunkJson.object(choice, "delta"), "content"),
                ChunkJson.firstNonNull(ChunkJson.text(ChunkJson.object(choice, "message"), "content"),
                        ChunkJson.text(choice, "text")));
        String stopReason = ChunkJson.firstNonNull(ChunkJson.text(choice, "finish_reason"),
                ChunkJson.text(choice, "stop_reason"));
        return new ParsedChunk(text, stopReason, inputTokens, outputTokens, null, stopReason != null);
    }
}
