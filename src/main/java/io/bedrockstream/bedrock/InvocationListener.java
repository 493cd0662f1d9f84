package io.bedrockstream.bedrock;

import io.bedrockstream.model.ParsedChunk;

/**
 * Receives one invocation's events: {@code onChunk} for seq 0, 1, 2 … in order, then exactly one of
 * {@code onComplete} or {@code onFailure}. Calls never overlap. They may run on SDK threads: implementations
 * must not block.
 */
public interface InvocationListener {

    void onChunk(long seq, String rawChunkJson, ParsedChunk chunk);

    void onComplete(InvocationResult result);

    void onFailure(InvocationFailure failure);
}
