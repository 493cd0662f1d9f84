package io.bedrockstream.bedrock;

import io.bedrockstream.model.ChunkParser;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs one {@code InvokeModelWithResponseStream} call per invocation on the async SDK client. The client must
 * have SDK retries off (see {@link BedrockClientFactory}); each call here is exactly one attempt.
 */
public final class StreamingInvoker implements Invoker {

    private final BedrockRuntimeAsyncClient client;
    private final Function<ModelFamily, ChunkParser> parsers;
    private final boolean ownsClient;

    /**
     * @param parsers    the chunk parser of each family, e.g. {@code ChunkParsers::forFamily}
     * @param ownsClient whether {@link #close()} closes the client
     */
    public StreamingInvoker(BedrockRuntimeAsyncClient client, Function<ModelFamily, ChunkParser> parsers,
                            boolean ownsClient) {
        this.client = Objects.requireNonNull(client);
        this.parsers = Objects.requireNonNull(parsers);
        this.ownsClient = ownsClient;
    }

    @Override
    public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
        StreamCall call = new StreamCall(parsers.apply(request.family()), listener);
        CompletableFuture<Void> future;
        try {
            future = client.invokeModelWithResponseStream(toSdkRequest(request), call);
        } catch (RuntimeException e) {
            // e.g. credentials that fail to load synchronously: still exactly one terminal
            call.fail(e);
            return call::cancel;
        }
        call.attach(future);
        return call::cancel;
    }

    static InvokeModelWithResponseStreamRequest toSdkRequest(ModelRequest r) {
        InvokeModelWithResponseStreamRequest.Builder b = InvokeModelWithResponseStreamRequest.builder()
                .modelId(r.modelId())
                .body(SdkBytes.fromByteArrayUnsafe(r.body() == null ? new byte[0] : r.body()))
                .contentType(r.contentType() == null ? "application/json" : r.contentType())
                .accept(r.accept() == null ? "application/json" : r.accept());
        if (r.guardrailIdentifier() != null) {
            b.guardrailIdentifier(r.guardrailIdentifier());
        }
        if (r.guardrailVersion() != null) {
            b.guardrailVersion(r.guardrailVersion());
        }
        if (r.trace() != null) {
            b.trace(r.trace());
        }
        if (r.performanceConfigLatency() != null) {
            b.performanceConfigLatency(r.performanceConfigLatency());
        }
        return b.build();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
