package io.bedrockstream.engine;

import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.request.ModelRequest;
import java.util.List;

/**
 * How a request ended after all its attempts: completed (with the whole text), or failed for good
 * (the caller dead-letters it). Exactly one per submitted request.
 *
 * @param invocationIds one per attempt, in order
 * @param text          the concatenated text deltas of the completed invocation; null when failed
 * @param result        the completed invocation's result; null when failed
 * @param failure       the last attempt's failure; null when completed
 * @param answer        ConverseStream only: reasoning and tool calls of the completed invocation, else null
 */
public record RequestOutcome(
        ModelRequest request,
        int attempts,
        List<String> invocationIds,
        String text,
        InvocationResult result,
        InvocationFailure failure,
        ConverseAnswer answer) {

    public RequestOutcome(
            ModelRequest request,
            int attempts,
            List<String> invocationIds,
            String text,
            InvocationResult result,
            InvocationFailure failure) {
        this(request, attempts, invocationIds, text, result, failure, null);
    }

    public boolean completed() {
        return failure == null;
    }
}
