package io.bedrockstream.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Amazon Titan Text: every chunk has {@code outputText}; the last one a {@code completionReason}. */
final class TitanChunkParser extends FamilyChunkParser {

    @Override
    protected ParsedChunk parseFamily(ObjectNode chunk) {
        String stopReason = ChunkJson.text(chunk, "completionReason");
        // an empty outputText is kept as "": it is what the model sent
        return new ParsedChunk(
                ChunkJson.text(chunk, "outputText"),
                stopReason,
                ChunkJson.number(chunk, "inputTextTokenCount"),
                ChunkJson.number(chunk, "totalOutputTextTokenCount"),
                null,
                stopReason != null);
    }
}
