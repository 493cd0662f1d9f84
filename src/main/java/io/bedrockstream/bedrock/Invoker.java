package io.bedrockstream.bedrock;

import io.bedrockstream.request.ModelRequest;

/** Runs one streaming invocation (one attempt, no retries). The engine's seam to Bedrock. */
public interface Invoker extends AutoCloseable {

    /**
     * Starts the call and returns at once. The listener gets the events; a returned handle cancels the call
     * (the listener then gets {@code onFailure} with the cancel reason, unless it already finished).
     */
    InvocationHandle invoke(ModelRequest request, InvocationListener listener);

    @Override
    void close();

    /** Cancels a running invocation. */
    interface InvocationHandle {
        void cancel(InvocationFailure reason);
    }
}
