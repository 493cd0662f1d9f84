package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.BedrockClientSettings.REGION_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.PROVIDER_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.ROLE_ARN_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.ROLE_EXTERNAL_ID_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.STS_ENDPOINT_OVERRIDE_KEY;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * {@code assume-role}: assumes {@code bedrock.role.arn} through STS with the default chain's credentials, and
 * keeps the role's credentials fresh on its own refresh thread ({@link RefreshingCredentialsProvider}). The STS
 * call is synchronous (url-connection client) and runs only there, so it neither blocks nor shares the Netty
 * event loops of the Bedrock client that uses the credentials.
 */
final class AssumeRoleCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {

    static final String DEFAULT_SESSION_NAME = CredentialsSettings.DEFAULT_ROLE_SESSION_NAME;
    private static final Duration STS_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final String roleArn;
    private final RefreshingCredentialsProvider refreshing;

    private AssumeRoleCredentialsProvider(String roleArn, RefreshingCredentialsProvider refreshing) {
        this.roleArn = roleArn;
        this.refreshing = refreshing;
    }

    /** Production: the default chain's credentials call STS; its standard endpoint unless {@code stsEndpoint}. */
    static AssumeRoleCredentialsProvider create(
            String region,
            String roleArn,
            String externalId,
            String sessionName,
            URI stsEndpoint,
            Duration connectTimeout) {
        return create(
                region,
                roleArn,
                externalId,
                sessionName,
                stsEndpoint,
                DefaultCredentialsProvider.builder().build(),
                RefreshTiming.DEFAULT,
                connectTimeout);
    }

    static AssumeRoleCredentialsProvider create(
            String region,
            String roleArn,
            String externalId,
            String sessionName,
            URI stsEndpoint,
            AwsCredentialsProvider base,
            RefreshTiming timing) {
        return create(region, roleArn, externalId, sessionName, stsEndpoint, base, timing, Duration.ofSeconds(10));
    }

    private static AssumeRoleCredentialsProvider create(
            String region,
            String roleArn,
            String externalId,
            String sessionName,
            URI stsEndpoint,
            AwsCredentialsProvider base,
            RefreshTiming timing,
            Duration connectTimeout) {
        StsClientBuilder builder = StsClient.builder()
                .region(Region.of(region))
                .credentialsProvider(base)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(STS_CALL_TIMEOUT)
                        .build())
                .overrideConfiguration(c -> c.apiCallTimeout(STS_CALL_TIMEOUT.multipliedBy(2)));
        if (stsEndpoint != null) {
            builder.endpointOverride(stsEndpoint);
        }
        StsClient sts = builder.build();
        AssumeRoleRequest request = AssumeRoleRequest.builder()
                .roleArn(roleArn)
                .externalId(externalId == null || externalId.isBlank() ? null : externalId)
                .roleSessionName(sessionName == null || sessionName.isBlank() ? DEFAULT_SESSION_NAME : sessionName)
                .build();
        List<String> secrets = Arrays.asList(externalId);
        String source = "assume-role of " + ROLE_ARN_KEY + "=" + roleArn + " (" + PROVIDER_KEY + "=assume-role)";
        String fix = "Check that the worker's own identity (the AWS SDK default chain: environment, web identity, "
                + "profile, container or instance role) may call sts:AssumeRole on the role, that the role's trust "
                + "policy trusts that identity" + (secrets.get(0) == null ? "" : " with " + ROLE_EXTERNAL_ID_KEY)
                + ", and that " + REGION_KEY
                + (stsEndpoint == null ? "" : " and " + STS_ENDPOINT_OVERRIDE_KEY) + " are right.";
        RefreshingCredentialsProvider refreshing = new RefreshingCredentialsProvider(
                source,
                () -> toSessionCredentials(sts.assumeRole(request).credentials()),
                e -> CredentialFailures.describe(source, fix, e, secrets),
                timing,
                () -> {
                    sts.close();
                    if (base instanceof SdkAutoCloseable closeable) {
                        closeable.close();
                    }
                });
        return new AssumeRoleCredentialsProvider(roleArn, refreshing);
    }

    private static AwsCredentials toSessionCredentials(Credentials c) {
        return AwsSessionCredentials.builder()
                .accessKeyId(c.accessKeyId())
                .secretAccessKey(c.secretAccessKey())
                .sessionToken(c.sessionToken())
                .expirationTime(c.expiration())
                .providerName("BedrockAssumeRole")
                .build();
    }

    @Override
    public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
        return refreshing.resolveIdentity(request);
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return refreshing.resolveCredentials();
    }

    /** Names of the threads STS was called on (for tests: only the provider's own refresh thread). */
    List<String> refreshThreads() {
        return refreshing.refreshThreads();
    }

    @Override
    public void close() {
        refreshing.close();
    }

    @Override
    public String toString() {
        return "AssumeRoleCredentialsProvider[roleArn=" + roleArn + "]";
    }
}
