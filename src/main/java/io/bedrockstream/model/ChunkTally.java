package io.bedrockstream.model;

/**
 * Folds the parsed chunks of one invocation attempt into what its terminal record reports. Bedrock's
 * invocation metrics are what it bills, so their counts win over the family's own usage fields; otherwise
 * the last figure a chunk reported wins (Anthropic's {@code message_start} says 1 output token, its
 * {@code message_delta} the final count). Not thread-safe: one tally per attempt, fed in chunk order.
 */
public final class ChunkTally {

    private final StringBuilder text = new StringBuilder();
    private int chunks;
    private boolean terminalSeen;
    private String stopReason;
    private Long inputTokens;
    private Long outputTokens;
    private InvocationMetrics metrics;

    public void add(ParsedChunk chunk) {
        chunks++;
        if (chunk.text() != null) {
            text.append(chunk.text());
        }
        terminalSeen |= chunk.terminal();
        if (chunk.stopReason() != null) {
            stopReason = chunk.stopReason();
        }
        if (chunk.inputTokens() != null) {
            inputTokens = chunk.inputTokens();
        }
        if (chunk.outputTokens() != null) {
            outputTokens = chunk.outputTokens();
        }
        if (chunk.metrics() != null) {
            metrics = chunk.metrics();
        }
    }

    public int chunks() {
        return chunks;
    }

    /** True once any chunk was an end-of-output marker: without one, a stream that ended was cut short. */
    public boolean terminalSeen() {
        return terminalSeen;
    }

    /** The text deltas so far, concatenated. */
    public String text() {
        return text.toString();
    }

    public String stopReason() {
        return stopReason;
    }

    public Long inputTokens() {
        return metrics != null && metrics.inputTokenCount() != null ? metrics.inputTokenCount() : inputTokens;
    }

    public Long outputTokens() {
        return metrics != null && metrics.outputTokenCount() != null ? metrics.outputTokenCount() : outputTokens;
    }

    /** The invocation metrics if a chunk carried them, else null. */
    public InvocationMetrics metrics() {
        return metrics;
    }
}
