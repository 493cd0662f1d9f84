package io.bedrockstream.emulator;

/**
 * One attempt of a marked request as the emulator saw it.
 *
 * @param outcome {@code complete}, a pre-stream error code, a mid-stream fault type, or {@code cancelled}
 * @param text    the whole text this attempt would have generated; null when no generation was planned
 */
public record Attempt(int attempt, String modelId, String outcome, int chunks, String text) {}
