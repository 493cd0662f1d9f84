package io.bedrockstream.bedrock;

import io.bedrockstream.model.ChunkParser;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.ModelRequest;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailStreamConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;

/**
 * Runs one {@code InvokeModelWithResponseStream} or {@code ConverseStream} call (by the request's
 * {@link BedrockApi}) per invocation on the async SDK client. The client must
 * have SDK retries off (see {@link BedrockClientFactory}); each call here is exactly one attempt.
 */
public final class StreamingInvoker implements Invoker {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamingInvoker.class);

    private final BedrockRuntimeAsyncClient client;
    private final Function<ModelFamily, ChunkParser> parsers;
    private final boolean ownsClient;

    /**
     * @param parsers    the chunk parser of each family, e.g. {@code ChunkParsers::forFamily}
     * @param ownsClient whether {@link #close()} closes the client
     */
    public StreamingInvoker(
            BedrockRuntimeAsyncClient client, Function<ModelFamily, ChunkParser> parsers, boolean ownsClient) {
        this.client = Objects.requireNonNull(client);
        this.parsers = Objects.requireNonNull(parsers);
        this.ownsClient = ownsClient;
    }

    @Override
    public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
        if (request.api() == BedrockApi.CONVERSE) {
            return converse(request, listener);
        }
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

    private InvocationHandle converse(ModelRequest request, InvocationListener listener) {
        ConverseCall call = new ConverseCall(listener);
        ConverseStreamRequest sdkRequest;
        try {
            sdkRequest = toConverseRequest(request);
        } catch (ConverseJson.InvalidConverseRequest e) {
            call.failWith(new InvocationFailure(
                    ErrorKind.INVALID_REQUEST, INVALID_CONVERSE_REQUEST, e.getMessage(), null, null, null, 0));
            return call::cancel;
        }
        CompletableFuture<Void> future;
        try {
            future = client.converseStream(sdkRequest, call);
        } catch (RuntimeException e) {
            call.fail(e);
            return call::cancel;
        }
        call.attach(future);
        return call::cancel;
    }

    /**
     * A dry run of {@code api}'s call for {@code modelId} through the real client and the same call handlers: the
     * client's {@link DryRun} interceptor stops it just before sending, so Bedrock never sees it.
     */
    @Override
    public boolean warmUp(BedrockApi api, String modelId, java.time.Duration timeout) {
        if (!DryRun.installedOn(client)) {
            // without it the "dry run" would be a real call (a billed prompt for Converse)
            log.debug("no warm-up: the client has no dry-run interceptor (not built by BedrockClientFactory)");
            return false;
        }
        String model = modelId == null || modelId.isBlank() ? "warm-up" : modelId;
        InvocationListener ignore = new InvocationListener() {
            @Override
            public void onChunk(long seq, String rawChunkJson, io.bedrockstream.model.ParsedChunk chunk) {}

            @Override
            public void onComplete(InvocationResult result) {}

            @Override
            public void onFailure(InvocationFailure failure) {}
        };
        CompletableFuture<Void> future;
        try {
            if (api == BedrockApi.CONVERSE) {
                future = client.converseStream(
                        ConverseStreamRequest.builder()
                                .modelId(model)
                                .messages(m -> m.role("user").content(c -> c.text("warm-up")))
                                .overrideConfiguration(o -> o.putExecutionAttribute(DryRun.ATTRIBUTE, true))
                                .build(),
                        new ConverseCall(ignore));
            } else {
                future = client.invokeModelWithResponseStream(
                        InvokeModelWithResponseStreamRequest.builder()
                                .modelId(model)
                                .body(SdkBytes.fromUtf8String("{}"))
                                .contentType("application/json")
                                .accept("application/json")
                                .overrideConfiguration(o -> o.putExecutionAttribute(DryRun.ATTRIBUTE, true))
                                .build(),
                        new StreamCall(parsers.apply(ModelFamily.ANTHROPIC), ignore));
            }
            future.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return false; // sent after all: cannot happen with the interceptor installed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            if (DryRun.stopped(e)) {
                return true;
            }
            Throwable why = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            log.debug(
                    "the client's warm-up stopped early: {}",
                    CredentialFailures.scrub(String.valueOf(why), java.util.List.of()));
            return false;
        }
    }

    /** The error type of a Converse request the SDK's model cannot hold (an unknown member, a wrong type). */
    public static final String INVALID_CONVERSE_REQUEST = "InvalidConverseRequest";

    static ConverseStreamRequest toConverseRequest(ModelRequest r) throws ConverseJson.InvalidConverseRequest {
        ConverseStreamRequest.Builder b =
                ConverseJson.toRequest(r.modelId(), r.body() == null ? new byte[0] : r.body());
        ConverseStreamRequest parsed = b.build();
        if (r.guardrailIdentifier() != null && parsed.guardrailConfig() == null) {
            GuardrailStreamConfiguration.Builder g = GuardrailStreamConfiguration.builder()
                    .guardrailIdentifier(r.guardrailIdentifier())
                    .guardrailVersion(r.guardrailVersion());
            if (r.trace() != null) {
                g.trace(
                        r.trace().equalsIgnoreCase("DISABLED")
                                ? "disabled"
                                : r.trace().equalsIgnoreCase("ENABLED_FULL") ? "enabled_full" : "enabled");
            }
            if (r.guardrailStreamProcessingMode() != null) {
                g.streamProcessingMode(r.guardrailStreamProcessingMode());
            }
            b.guardrailConfig(g.build());
        }
        if (r.performanceConfigLatency() != null && parsed.performanceConfig() == null) {
            b.performanceConfig(p -> p.latency(r.performanceConfigLatency()));
        }
        if (r.serviceTier() != null && parsed.serviceTier() == null) {
            b.serviceTier(t -> t.type(r.serviceTier()));
        }
        if (!r.requestMetadata().isEmpty()) {
            // the record's own requestMetadata wins key by key
            java.util.Map<String, String> merged = new java.util.LinkedHashMap<>(r.requestMetadata());
            if (parsed.hasRequestMetadata()) {
                merged.putAll(parsed.requestMetadata());
            }
            b.requestMetadata(merged);
        }
        return b.build();
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
        if (r.serviceTier() != null) {
            b.serviceTier(r.serviceTier());
        }
        if (!r.requestMetadata().isEmpty()) {
            b.requestMetadata(metadataJson(r.requestMetadata()));
        }
        return b.build();
    }

    /** InvokeModel takes the metadata as a JSON object in a header (the SDK encodes it). */
    static String metadataJson(java.util.Map<String, String> metadata) {
        com.fasterxml.jackson.databind.node.ObjectNode o = ConverseJson.MAPPER.createObjectNode();
        metadata.forEach(o::put);
        return o.toString();
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
