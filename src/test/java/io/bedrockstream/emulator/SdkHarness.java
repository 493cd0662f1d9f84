package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/** The real AWS SDK client pointed at the emulator, with SDK retries off, plus a chunk collector. */
final class SdkHarness {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";

    /** What one streaming call delivered: decoded chunk JSON in arrival order, and the failure if any. */
    record StreamResult(InvokeModelWithResponseStreamResponse response, List<JsonNode> chunks, Throwable error) {
        String errorText() {
            return String.valueOf(error);
        }
    }

    /** Shared so closing a client does not wait for its own event loop's graceful shutdown. */
    private static final SdkEventLoopGroup EVENT_LOOPS =
            SdkEventLoopGroup.builder().numberOfThreads(2).build();

    private SdkHarness() {}

    static BedrockRuntimeAsyncClient client(URI endpoint) {
        return client(endpoint, Protocol.HTTP2, "AKIDEXAMPLE", "secret", 50);
    }

    static BedrockRuntimeAsyncClient client(
            URI endpoint, Protocol protocol, String accessKey, String secret, int maxConcurrency) {
        return BedrockRuntimeAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroup(EVENT_LOOPS)
                        .protocol(protocol)
                        .maxConcurrency(maxConcurrency)
                        .readTimeout(Duration.ofSeconds(20)))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static CompletableFuture<StreamResult> streamAsync(BedrockRuntimeAsyncClient client, String modelId, String body) {
        List<JsonNode> chunks = new CopyOnWriteArrayList<>();
        InvokeModelWithResponseStreamResponse[] response = new InvokeModelWithResponseStreamResponse[1];
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .onResponse(r -> response[0] = r)
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> chunks.add(parse(part.bytes().asUtf8String())))
                        .build())
                .build();
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(modelId)
                .contentType("application/json")
                .body(SdkBytes.fromUtf8String(body))
                .build();
        return client.invokeModelWithResponseStream(request, handler)
                .handle((v, e) -> new StreamResult(response[0], List.copyOf(chunks), unwrap(e)));
    }

    static StreamResult stream(BedrockRuntimeAsyncClient client, String modelId, String body) {
        try {
            return streamAsync(client, modelId, body).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t != null
                && (t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An Anthropic Messages body whose user text is {@code prompt}. */
    static String claudeBody(String prompt) {
        return JSON.createObjectNode()
                .put("anthropic_version", "bedrock-2023-05-31")
                .put("max_tokens", 512)
                .set(
                        "messages",
                        JSON.createArrayNode()
                                .add(JSON.createObjectNode().put("role", "user").put("content", prompt)))
                .toString();
    }
}
