package io.bedrockstream.emulator;

/**
 * Sees each streaming call start and each chunk frame leave, on the emulator's event loop, timed with
 * {@link System#nanoTime()}: a benchmark in the same JVM compares these with when its consumer receives the
 * records, on one clock. Must return at once. {@code id} is the call's {@code [[emu id=…]]} directive.
 */
public interface CallObserver {
    CallObserver NONE = new CallObserver() {};

    /** The emulator accepted the call and starts streaming (time to first token begins). */
    default void started(String id, int attempt, long nanoTime) {}

    /** Chunk frame {@code index} (0-based) of the call was written and flushed to the client. */
    default void chunkSent(String id, int attempt, int index, long nanoTime) {}
}
