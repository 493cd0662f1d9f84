package io.bedrockstream.model;

/**
 * Where a ConverseStream delta belongs: its content block and what kind of delta it is. Null on InvokeModel
 * chunks, whose families have no such structure in common.
 *
 * @param deltaType one of {@link #TEXT}, {@link #TOOL_USE}, {@link #REASONING}, {@link #REASONING_SIGNATURE},
 *                  {@link #REASONING_REDACTED}, {@link #CITATION}, or the SDK's member name for a kind not known here
 * @param toolUseId the tool call's id, from the block's start (tool_use deltas only)
 * @param toolName  the tool's name, from the block's start (tool_use deltas only)
 * @param payload   what the delta carries that is not text: the tool input's JSON piece, the reasoning signature,
 *                  the redacted reasoning (base64); null otherwise (the raw chunk has it all)
 */
public record ContentDelta(int blockIndex, String deltaType, String toolUseId, String toolName, String payload) {
    public static final String TEXT = "text";
    public static final String TOOL_USE = "tool_use";
    public static final String REASONING = "reasoning";
    public static final String REASONING_SIGNATURE = "reasoning_signature";
    public static final String REASONING_REDACTED = "reasoning_redacted";
    public static final String CITATION = "citation";

    /** Whether this delta's text is part of the answer (as opposed to reasoning). */
    public boolean isAnswerText() {
        return TEXT.equals(deltaType);
    }
}
