package io.bedrockstream.bedrock;

import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.ModelRequest;

/** Runs one streaming invocation (one attempt, no retries). The engine's seam to Bedrock. */
public interface Invoker extends AutoCloseable {

    /**
     * Starts the call and returns at once. The listener gets the events; a returned handle cancels the call
     * (the listener then gets {@code onFailure} with the cancel reason, unless it already finished).
     */
    InvocationHandle invoke(ModelRequest request, InvocationListener listener);

    /**
     * Takes a fresh JVM's first-call cost (class loading, credentials, endpoint rules, signing: ~0.3 s and more) off
     * the first real request, without calling the service. Blocks up to {@code timeout}; never throws.
     *
     * @param modelId the model the task calls (any id when it has none)
     * @return whether the dry run got as far as sending
     */
    default boolean warmUp(BedrockApi api, String modelId, java.time.Duration timeout) {
        return false;
    }

    @Override
    void close();

    /** Cancels a running invocation. */
    interface InvocationHandle {
        void cancel(InvocationFailure reason);
    }
}
