package io.bedrockstream.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads the chunk as a JSON object, lets the family read its own fields, then adds the invocation metrics
 * that Bedrock appends to the last chunk of every family: such a chunk is terminal, and its counts fill
 * the token figures the family did not report itself.
 */
abstract class FamilyChunkParser implements ChunkParser {

    /** Nothing this parser understands: unknown event types and fields are not errors. */
    static final ParsedChunk NOTHING = new ParsedChunk(null, null, null, null, null, false);

    @Override
    public final ParsedChunk parse(byte[] chunkJson) {
        ObjectNode chunk = ChunkJson.readObject(chunkJson);
        ParsedChunk family = parseFamily(chunk);
        InvocationMetrics metrics = ChunkJson.metrics(chunk);
        if (metrics == null) {
            return family;
        }
        return new ParsedChunk(
                family.text(),
                family.stopReason(),
                ChunkJson.firstNonNull(family.inputTokens(), metrics.inputTokenCount()),
                ChunkJson.firstNonNull(family.outputTokens(), metrics.outputTokenCount()),
                metrics,
                true);
    }

    /** Reads the family's own fields; metrics are added by the caller. */
    protected abstract ParsedChunk parseFamily(ObjectNode chunk);
}
