package io.bedrockstream.bedrock;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.utils.SdkAutoCloseable;
import software.amazon.awssdk.utils.cache.CachedSupplier;
import software.amazon.awssdk.utils.cache.RefreshResult;

import java.time.Duration;
import java.time.Instant;

/**
 * Assumes a role through the async STS client. The SDK's own {@code StsAssumeRoleCredentialsProvider} wants
 * a synchronous {@code StsClient}, which needs a blocking HTTP client this plugin does not ship; the async
 * client reuses Netty. Credentials are cached and refreshed ahead of expiry.
 */
final class AssumeRoleCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
    private static final Duration STALE_BEFORE_EXPIRY = Duration.ofMinutes(1);
    private static final Duration PREFETCH_BEFORE_EXPIRY = Duration.ofMinutes(5);

    private final StsAsyncClient sts;
    private final AssumeRoleRequest request;
    private final CachedSupplier<AwsSessionCredentials> cache;

    private AssumeRoleCredentialsProvider(StsAsyncClient sts, AssumeRoleRequest request) {
        this.sts = sts;
        this.request = request;
        this.cache = CachedSupplier.builder(this::refresh).cachedValueName("AssumeRoleCredentials").build();
    }

    static AssumeRoleCredentialsProvider create(String region, String roleArn, String externalId,
                                                String sessionName) {
        StsAsyncClient sts = StsAsyncClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .build();
        AssumeRoleRequest request = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .externalId(externalId == null || externalId.isBlank() ? null : externalId)
                .roleSessionName(sessionName == null || sessionName.isBlank() ? "kafka-connect-bedrock-stream"
                        : sessionName)
                .build();
        return new AssumeRoleCredentialsProvider(sts, request);
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return cache.get();
    }

    private RefreshResult<AwsSessionCredentials> refresh() {
        Credentials c = sts.assumeRole(request).join().credentials();
        Instant expiry = c.expiration();
        return RefreshResult.builder(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(),
                        c.sessionToken()))
                .staleTime(expiry.minus(STALE_BEFORE_EXPIRY))
                .prefetchTime(expiry.minus(PREFETCH_BEFORE_EXPIRY))
                .build();
    }

    @Override
    public void close() {
        cache.close();
        sts.close();
    }

    @Override
    public String toString() {
        return "AssumeRoleCredentialsProvider[roleArn=" + request.roleArn() + "]";
    }
}
