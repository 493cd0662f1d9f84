package io.bedrockstream.model;

/**
 * What one decoded chunk says, in family-neutral terms.
 *
 * @param text         text delta carried by this chunk, or null if it carries none
 * @param stopReason   the model's stop reason if this chunk reports one, else null
 * @param inputTokens  input token count if this chunk reports one (family usage fields), else null
 * @param outputTokens output token count if this chunk reports one, else null
 * @param metrics      the invocation metrics if this chunk carries them, else null
 * @param terminal     true if this chunk is the family's end-of-output marker
 * @param delta        ConverseStream only: the content block and kind of the delta, else null
 */
public record ParsedChunk(
        String text,
        String stopReason,
        Long inputTokens,
        Long outputTokens,
        InvocationMetrics metrics,
        boolean terminal,
        ContentDelta delta) {

    /** An InvokeModel chunk: no content-block structure. */
    public ParsedChunk(
            String text,
            String stopReason,
            Long inputTokens,
            Long outputTokens,
            InvocationMetrics metrics,
            boolean terminal) {
        this(text, stopReason, inputTokens, outputTokens, metrics, terminal, null);
    }
}
