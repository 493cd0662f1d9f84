package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.CredentialsSettings.ACCESS_KEY_ID_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.PROFILE_NAME_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.PROVIDER_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.ROLE_ARN_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.SECRET_ACCESS_KEY_KEY;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.ThreadFactoryBuilder;

/**
 * Builds the Bedrock Runtime async client. The SDK's retries are switched off: the engine's retry policy is
 * the only one (SDK retries replay a half-delivered stream, BEDROCK.md §6). The timeouts live on the Netty
 * builder because a custom HTTP client ignores those set on the service client builder. Closing the client
 * releases everything it was built with, within a bounded time: its connections, event loops and timer thread
 * ({@link DedicatedNettyHttpClient}) and its credentials provider (the SDK closes that too).
 *
 * <p>Authentication: AWS credentials sign with SigV4; {@code api-key} sends {@code bedrock.api.key} as a bearer
 * token. With the {@code default} provider, a Bedrock API key the SDK finds itself ({@code AWS_BEARER_TOKEN_BEDROCK}
 * or the {@code aws.bearerTokenBedrock} system property) is used as the SDK uses it: bearer auth preferred, the
 * default credential chain not consulted. The other providers pin SigV4, so an API key in the worker's
 * environment never overrides credentials the connector config chose.
 */
public final class BedrockClientFactory {

    /** Auth scheme preferences name a scheme by the part of its id after '#' (aws.auth#sigv4). */
    static final String SIGV4 = "sigv4";

    static final String BEARER = "httpBearerAuth";

    private BedrockClientFactory() {}

    public static BedrockRuntimeAsyncClient create(BedrockClientSettings settings) {
        CredentialsSettings c = settings.credentials();
        if (c.provider() == CredentialsSettings.Provider.API_KEY) {
            return build(
                    settings,
                    builder -> builder.tokenProvider(new ApiKeyTokenProvider(c.apiKey()))
                            .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of(BEARER)))
                            .credentialsProvider(
                                    new UnavailableCredentialsProvider("bedrock.credentials.provider=api-key "
                                            + "sends bedrock.api.key and uses no AWS credentials")),
                    null);
        }
        if (c.provider() == CredentialsSettings.Provider.DEFAULT && ApiKeyTokenProvider.sdkHasBearerToken()) {
            // nothing set: the SDK takes its own API key setting, prefers bearer auth, and never signs
            return build(settings, builder -> {}, null);
        }
        return create(settings, credentialsProvider(settings));
    }

    /** With the given credentials provider (SigV4), which the client closes when it is closed. */
    static BedrockRuntimeAsyncClient create(BedrockClientSettings settings, AwsCredentialsProvider credentials) {
        return build(
                settings,
                builder -> builder.credentialsProvider(credentials)
                        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of(SIGV4))),
                credentials instanceof SdkAutoCloseable closeable ? closeable : null);
    }

    private static BedrockRuntimeAsyncClient build(
            BedrockClientSettings settings,
            Consumer<BedrockRuntimeAsyncClientBuilder> auth,
            SdkAutoCloseable closeOnFailure) {
        // the SDK's own timer pool would keep a thread waiting on a timeout cancelled just after close()
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(
                1,
                new ThreadFactoryBuilder()
                        .threadNamePrefix("bedrock-sdk-timer")
                        .daemonThreads(true)
                        .build());
        timer.setRemoveOnCancelPolicy(true);
        BedrockRuntimeAsyncClientBuilder builder = BedrockRuntimeAsyncClient.builder()
                .region(Region.of(settings.region()))
                .httpClientBuilder(DedicatedNettyHttpClient.builder(httpClient(settings), eventLoopThreads(), timer))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(settings.invocationTimeout())
                        .scheduledExecutorService(timer)
                        .addExecutionInterceptor(new DryRun())
                        .build());
        if (settings.endpointOverride() != null) {
            builder.endpointOverride(settings.endpointOverride());
        }
        auth.accept(builder);
        try {
            return builder.build();
        } catch (RuntimeException e) {
            timer.shutdownNow();
            if (closeOnFailure != null) {
                closeOnFailure.close();
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
                .protocol(
                        settings.httpProtocol() == BedrockClientSettings.HttpProtocol.HTTP1_1
                                ? Protocol.HTTP1_1
                                : Protocol.HTTP2)
                .maxConcurrency(settings.maxConnections())
                // a request queued for a connection must not fail while the engine keeps in-flight bounded
                .maxPendingConnectionAcquires(Math.max(10_000, settings.maxConnections() * 4))
                .connectionTimeout(settings.connectTimeout())
                .connectionAcquisitionTimeout(settings.connectTimeout().multipliedBy(3))
                .readTimeout(settings.streamIdleTimeout())
                .writeTimeout(settings.streamIdleTimeout());
    }

    /**
     * The provider {@code bedrock.credentials.provider} names. Anything that can expire or has to be looked up
     * (default chain, profile, assume-role) is fetched and refreshed on the provider's own thread. A setup problem
     * (a missing setting, an unknown profile, a role that cannot be assumed) fails each call with a
     * {@link CredentialsUnavailableException} saying what to fix, rather than failing to build the client: so it
     * follows {@code setup.error.action} like any other setup error.
     */
    static AwsCredentialsProvider credentialsProvider(BedrockClientSettings settings) {
        return credentialsProvider(settings, RefreshTiming.DEFAULT);
    }

    static AwsCredentialsProvider credentialsProvider(BedrockClientSettings settings, RefreshTiming timing) {
        CredentialsSettings c = settings.credentials();
        return switch (c.provider()) {
            case DEFAULT ->
                refreshing(
                        DEFAULT_CHAIN,
                        DEFAULT_CHAIN_FIX,
                        DefaultCredentialsProvider.builder().build(),
                        timing);
            case STATIC -> staticKeys(c);
            case PROFILE -> {
                boolean named = c.profileName() != null && !c.profileName().isBlank();
                String source = (named
                                ? "profile '" + c.profileName() + "'"
                                : "the default profile (AWS_PROFILE or " + "'default')")
                        + " (" + PROVIDER_KEY + "=profile, " + PROFILE_NAME_KEY + ")";
                yield refreshing(
                        source,
                        PROFILE_FIX,
                        named
                                ? ProfileCredentialsProvider.create(c.profileName())
                                : ProfileCredentialsProvider.create(),
                        timing);
            }
            case ASSUME_ROLE ->
                c.roleArn() == null || c.roleArn().isBlank()
                        ? new UnavailableCredentialsProvider(PROVIDER_KEY + "=assume-role needs "
                                + ROLE_ARN_KEY + ", which is not set. Set it to the IAM role to assume, e.g. "
                                + "arn:aws:iam::123456789012:role/bedrock-invoker.")
                        : AssumeRoleCredentialsProvider.create(
                                settings.region(),
                                c.roleArn(),
                                c.roleExternalId(),
                                c.roleSessionName(),
                                c.stsEndpointOverride(),
                                settings.connectTimeout());
            case API_KEY ->
                new UnavailableCredentialsProvider(
                        "bedrock.credentials.provider=api-key sends " + "bedrock.api.key and uses no AWS credentials");
        };
    }

    static final String DEFAULT_CHAIN = "the AWS SDK default credential chain (" + PROVIDER_KEY + "=default)";
    static final String DEFAULT_CHAIN_FIX = "Give the worker process credentials the chain can find: "
            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; on EKS (IRSA) AWS_WEB_IDENTITY_TOKEN_FILE naming a "
            + "readable token file and AWS_ROLE_ARN; AWS_PROFILE with the AWS config files; or a container or "
            + "instance role. Or set " + PROVIDER_KEY + " to static, profile or assume-role.";
    static final String PROFILE_FIX = "Check that the AWS config and credentials files the worker reads "
            + "(AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials) define "
            + "the profile, with keys or with role_arn and a source_profile (or credential_source) whose identity "
            + "may assume that role.";

    private static AwsCredentialsProvider refreshing(
            String source, String fix, AwsCredentialsProvider sdkProvider, RefreshTiming timing) {
        return new RefreshingCredentialsProvider(
                source,
                sdkProvider::resolveCredentials,
                e -> CredentialFailures.describe(source, fix, e, List.of()),
                timing,
                sdkProvider instanceof SdkAutoCloseable closeable ? closeable::close : null);
    }

    private static AwsCredentialsProvider staticKeys(CredentialsSettings c) {
        boolean key = c.accessKeyId() != null && !c.accessKeyId().isBlank();
        boolean secret = c.secretAccessKey() != null && !c.secretAccessKey().isBlank();
        if (!key || !secret) {
            String missing = !key && !secret
                    ? ACCESS_KEY_ID_KEY + " and " + SECRET_ACCESS_KEY_KEY + " are"
                    : (key ? SECRET_ACCESS_KEY_KEY : ACCESS_KEY_ID_KEY) + " is";
            return new UnavailableCredentialsProvider(PROVIDER_KEY + "=static needs "
                    + ACCESS_KEY_ID_KEY + " and " + SECRET_ACCESS_KEY_KEY + "; " + missing + " not set. Set "
                    + (key ? "it" : "them") + " (a ${file:...} or ${env:...} config provider keeps secrets out of the "
                    + "connector config), or choose another " + PROVIDER_KEY + ".");
        }
        return StaticCredentialsProvider.create(
                c.sessionToken() == null || c.sessionToken().isBlank()
                        ? AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())
                        : AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    /** Settings that cannot give credentials: every call fails with the reason, a setup error. */
    static final class UnavailableCredentialsProvider implements AwsCredentialsProvider {
        private final CredentialsUnavailableException reason;

        UnavailableCredentialsProvider(String message) {
            this.reason = new CredentialsUnavailableException(ErrorKind.CONFIGURATION, message);
        }

        @Override
        public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
            return CompletableFuture.failedFuture(reason);
        }

        @Override
        public AwsCredentials resolveCredentials() {
            throw reason;
        }

        @Override
        public String toString() {
            return "UnavailableCredentialsProvider[" + reason.getMessage() + "]";
        }
    }
}
