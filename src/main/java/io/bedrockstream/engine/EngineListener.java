package io.bedrockstream.engine;

/**
 * Receives the engine's output. For one request: its events in order (every invocation's chunks, then that
 * invocation's terminal), then exactly one {@code onOutcome}. Calls for one request never overlap; calls for
 * different requests may run concurrently on different threads. Must not block.
 */
public interface EngineListener {

    void onEvent(OutputEvent event);

    void onOutcome(RequestOutcome outcome);
}
