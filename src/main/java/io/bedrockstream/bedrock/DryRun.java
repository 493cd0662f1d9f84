package io.bedrockstream.bedrock;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Stops a call marked {@link #ATTRIBUTE} just before the SDK would send it: everything before — credentials,
 * endpoint rules, marshalling, signing — has run, nothing has left the process. Installed on every client
 * {@link BedrockClientFactory} builds; only {@link StreamingInvoker#warmUp} marks calls.
 */
final class DryRun implements ExecutionInterceptor {
    static final ExecutionAttribute<Boolean> ATTRIBUTE = new ExecutionAttribute<>("BedrockStreamDryRun");

    /** What a dry run ends with; no stack trace, it is expected. */
    static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("dry run: stopped before sending", null, false, false);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (Boolean.TRUE.equals(attributes.getAttribute(ATTRIBUTE))) {
            throw new Stopped();
        }
    }

    /** Whether {@code client} stops marked calls: only then may a warm-up mark one instead of sending it. */
    static boolean installedOn(software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient client) {
        return client.serviceClientConfiguration().overrideConfiguration().executionInterceptors().stream()
                .anyMatch(DryRun.class::isInstance);
    }

    /** Whether a call's failure is a dry run's stop (the SDK wraps it). */
    static boolean stopped(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof Stopped) {
                return true;
            }
        }
        return false;
    }
}
