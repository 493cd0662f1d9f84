package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** The emulated STS through the real SDK's StsClient, and the Bedrock routes' check of what it issues. */
class StsTest {

    private static final String ACCESS_KEY = "AKIAEMULATORSTSBASE0";
    private static final String SECRET = "base/secret+key=";
    private static final String ROLE = "arn:aws:iam::123456789012:role/bedrock-invoker";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.emulated.token";
    private static BedrockEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials(ACCESS_KEY, SECRET)
                .stsRoles(Set.of(ROLE))
                .webIdentityTokens(Set.of(TOKEN))
                .build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.updateSettings(b -> b.credentialLifetime(Duration.ofHours(1)));
    }

    private static StsClient sts(AwsCredentialsProvider credentials) {
        return StsClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static StaticCredentialsProvider base() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET));
    }

    private static StaticCredentialsProvider session(Credentials c) {
        return StaticCredentialsProvider.create(
                AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    private static SdkHarness.StreamResult bedrockCall(AwsCredentialsProvider credentials) {
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            return SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("hi [[emu words=3]]"));
        }
    }

    @Test
    void assumeRoleSignedByTheBaseKeysIssuesCredentialsThatBedrockAccepts() {
        Instant before = Instant.now();
        Credentials c;
        try (StsClient sts = sts(base())) {
            c = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("test-session"))
                    .credentials();
        }
        assertThat(c.accessKeyId()).startsWith("ASIA").hasSize(20);
        assertThat(c.sessionToken()).isNotBlank();
        assertThat(c.expiration())
                .isBetween(before.plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofHours(1)));

        SdkHarness.StreamResult result = bedrockCall(session(c));

        assertThat(result.error()).isNull();
        assertThat(result.chunks()).isNotEmpty();
        EmulatorStats stats = emulator.stats();
        assertThat(stats.callsWithSessionToken()).isEqualTo(1);
        assertThat(stats.stsCalls()).containsExactly(java.util.Map.entry("AssumeRole ok", 1L));
    }

    @Test
    void aRoleNotOnTheListIsDeniedInStsXml() {
        try (StsClient sts = sts(base())) {
            assertThatThrownBy(() -> sts.assumeRole(r ->
                            r.roleArn("arn:aws:iam::123456789012:role/other").roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("User: arn:aws:iam::000000000000:"
                                        + "user/emulator-caller is not authorized to perform: sts:AssumeRole on resource: "
                                        + "arn:aws:iam::123456789012:role/other");
                    });
        }
        assertThat(emulator.stats().stsCalls("AssumeRole", "AccessDenied")).isEqualTo(1);
    }

    @Test
    void assumeRoleWithAWrongSecretOrUnknownKeyIsRefused() {
        try (StsClient sts = sts(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, "wrong")))) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1")))
                    .isInstanceOfSatisfying(
                            StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
        try (StsClient sts = sts(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNKNOWN", SECRET)))) {
            assertThatThrownBy(() -> sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("s1")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                    });
        }
    }

    @Test
    void webIdentityNeedsAKnownTokenAndNoSignature() {
        try (StsClient sts = sts(AnonymousCredentialsProvider.create())) {
            AssumeRoleWithWebIdentityResponse ok = sts.assumeRoleWithWebIdentity(
                    r -> r.roleArn(ROLE).roleSessionName("eks-pod").webIdentityToken(TOKEN));
            assertThat(ok.credentials().accessKeyId()).startsWith("ASIA");
            assertThat(ok.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/bedrock-invoker/eks-pod");
            assertThat(bedrockCall(session(ok.credentials())).error()).isNull();

            assertThatThrownBy(() -> sts.assumeRoleWithWebIdentity(
                            r -> r.roleArn(ROLE).roleSessionName("eks-pod").webIdentityToken("forged")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidIdentityToken");
                    });
        }
        assertThat(emulator.stats().stsCalls())
                .containsOnly(
                        java.util.Map.entry("AssumeRoleWithWebIdentity ok", 1L),
                        java.util.Map.entry("AssumeRoleWithWebIdentity InvalidIdentityToken", 1L));
    }

    @Test
    void expiredCredentialsAreRefusedAsExpiredTokenAndAWrongTokenAsUnrecognized() throws Exception {
        emulator.updateSettings(b -> b.credentialLifetime(Duration.ofMillis(500)));
        Credentials c;
        try (StsClient sts = sts(base())) {
            c = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("short")).credentials();
        }
        BedrockRuntimeException wrongToken = (BedrockRuntimeException) bedrockCall(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), "not-the-token")))
                .error();
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(wrongToken.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), c.expiration()).toMillis()) + 50);
        BedrockRuntimeException expired =
                (BedrockRuntimeException) bedrockCall(session(c)).error();

        assertThat(expired.statusCode()).isEqualTo(403);
        assertThat(expired.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException");
        assertThat(expired.awsErrorDetails().errorMessage())
                .isEqualTo("The security token included in the request is expired");
        assertThat(emulator.stats().callsWithSessionToken()).isZero();
    }

    @Test
    void openConnectionsAreCountedUntilTheClientClosesThem() throws Exception {
        int before = emulator.stats().openConnections();
        try (BedrockRuntimeAsyncClient client = SdkHarness.client(
                emulator.endpoint(), software.amazon.awssdk.http.Protocol.HTTP1_1, ACCESS_KEY, SECRET, 4)) {
            assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"))
                            .error())
                    .isNull();
            assertThat(emulator.stats().openConnections()).isEqualTo(before + 1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (emulator.stats().openConnections() != before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(emulator.stats().openConnections()).isEqualTo(before);
    }
}
