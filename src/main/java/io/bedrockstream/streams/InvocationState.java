package io.bedrockstream.streams;

/**
 * What the assembler knows of one invocation (keyed by invocation id in its state store): where it came
 * from, how many distinct chunks have arrived, and its terminal once seen. The chunk texts live in a
 * separate store, one entry per chunk, so that a long answer costs O(chunks) to buffer, not O(chunks²).
 *
 * <p>A failed invocation stays as a marker until it expires, so late duplicates of its records are dropped
 * rather than buffered again.
 */
record InvocationState(
        String requestId,
        String modelId,
        int attempt,
        String sourceTopic,
        Integer sourcePartition,
        Long sourceOffset,
        long chunkCount,
        Long terminalSeq,
        String terminalEvent,
        String stopReason,
        Long inputTokens,
        Long outputTokens,
        long lastProgressMs) {

    static InvocationState start(ChunkRecord first, String requestId, long nowMs) {
        return new InvocationState(
                requestId,
                first.modelId(),
                first.attempt(),
                first.sourceTopic(),
                first.sourcePartition(),
                first.sourceOffset(),
                0,
                null,
                null,
                null,
                null,
                null,
                nowMs);
    }

    InvocationState withChunk(long nowMs) {
        return new InvocationState(
                requestId,
                modelId,
                attempt,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                chunkCount + 1,
                terminalSeq,
                terminalEvent,
                stopReason,
                inputTokens,
                outputTokens,
                nowMs);
    }

    InvocationState withTerminal(ChunkRecord terminal, long nowMs) {
        // with output.chunk.context=false only seq 0 and the terminal carry the context: take it from either
        return new InvocationState(
                requestId,
                terminal.modelId() != null ? terminal.modelId() : modelId,
                attempt,
                terminal.sourceTopic() != null ? terminal.sourceTopic() : sourceTopic,
                terminal.sourcePartition() != null ? terminal.sourcePartition() : sourcePartition,
                terminal.sourceOffset() != null ? terminal.sourceOffset() : sourceOffset,
                chunkCount,
                terminal.seq(),
                terminal.event(),
                terminal.stopReason(),
                terminal.inputTokens(),
                terminal.outputTokens(),
                nowMs);
    }

    InvocationState asFailed(ChunkRecord terminal, long nowMs) {
        return new InvocationState(
                requestId,
                modelId,
                attempt,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                0,
                terminal.seq(),
                ChunkRecord.ERROR,
                null,
                null,
                null,
                nowMs);
    }

    boolean hasTerminal() {
        return terminalSeq != null;
    }

    boolean hasFailed() {
        return ChunkRecord.ERROR.equals(terminalEvent);
    }

    /** Complete and enough distinct chunks seen; the caller still checks that they are exactly 0..k-1. */
    boolean mayBeAssembled() {
        return ChunkRecord.COMPLETE.equals(terminalEvent) && chunkCount >= terminalSeq;
    }
}
