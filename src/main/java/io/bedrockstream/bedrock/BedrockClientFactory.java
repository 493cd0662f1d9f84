package io.bedrockstream.bedrock;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Builds the Bedrock Runtime async client. The SDK's retries are switched off: the engine's retry policy is
 * the only one (SDK retries replay a half-delivered stream, BEDROCK.md §6). The timeouts live on the Netty
 * builder because a custom HTTP client ignores those set on the service client builder. Closing the client
 * releases everything it was built with, within a bounded time: its connections, event loops and timer thread
 * ({@link DedicatedNettyHttpClient}) and its credentials provider (the SDK closes that too).
 */
public final class BedrockClientFactory {

    private BedrockClientFactory() {
    }

    public static BedrockRuntimeAsyncClient create(BedrockClientSettings settings) {
        return create(settings, credentialsProvider(settings));
    }

    /** With the given credentials provider, which the client closes when it is closed. */
    static BedrockRuntimeAsyncClient create(BedrockClientSettings settings, AwsCredentialsProvider credentials) {
        // the SDK's own timer pool would keep a thread waiting on a timeout cancelled just after close()
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                new ThreadFactoryBuilder().threadNamePrefix("bedrock-sdk-timer").daemonThreads(true).build());
        timer.setRemoveOnCancelPolicy(true);
        BedrockRuntimeAsyncClientBuilder builder = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(settings.region()))
                .httpClientBuilder(DedicatedNettyHttpClient.builder(httpClient(settings), eventLoopThreads(), timer))
                .credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(settings.invocationTimeout())
                        .scheduledExecutorService(timer)
                        .build());
        if (settings.endpointOverride() != null) {
            builder.endpointOverride(settings.endpointOverride());
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            timer.shutdownNow();
            if (credentials instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
            throw e;
        }
    }

    /** Enough for hundreds of streams (they only hand bytes over); bounded, as each task has its own. */
    static int eventLoopThreads() {
        return Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    static NettyNioAsyncHttpClient.Builder httpClient(BedrockClientSettings settings) {
        return NettyNioAsyncHttpClient.builder()
                .protocol(settings.httpProtocol() == BedrockClientSettings.HttpProtocol.HTTP1_1
                        ? Protocol.HTTP1_1 : Protocol.HTTP2)
                .maxConcurrency(settings.maxConnections())
                // a request queued for a connection must not fail while the engine keeps in-flight bounded
                .maxPendingConnectionAcquires(Math.max(10_000, settings.maxConnections() * 4))
                .connectionTimeout(settings.connectTimeout())
                .connectionAcquisitionTimeout(settings.connectTimeout().multipliedBy(3))
                .readTimeout(settings.streamIdleTimeout())
                .writeTimeout(settings.streamIdleTimeout());
    }

    static AwsCredentialsProvider credentialsProvider(BedrockClientSettings settings) {
        CredentialsSettings c = settings.credentials();
        return switch (c.provider()) {
            case DEFAULT -> DefaultCredentialsProvider.builder().build();
            case STATIC -> {
                require(c.accessKeyId(), "bedrock.access.key.id is required for the STATIC credentials provider");
                require(c.secretAccessKey(),
                        "bedrock.secret.access.key is required for the STATIC credentials provider");
                yield StaticCredentialsProvider.create(c.sessionToken() == null || c.sessionToken().isBlank()
                        ? AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())
                        : AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
            }
            case PROFILE -> c.profileName() == null || c.profileName().isBlank()
                    ? ProfileCredentialsProvider.create()
                    : ProfileCredentialsProvider.create(c.profileName());
            case ASSUME_ROLE -> {
                require(c.roleArn(), "bedrock.role.arn is required for the ASSUME_ROLE credentials provider");
                yield AssumeRoleCredentialsProvider.create(settings.region(), c.roleArn(), c.roleExternalId(),
                        c.roleSessionName());
            }
        };
    }

    private static void require(String value, String message) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(message);
        }
    }
}
