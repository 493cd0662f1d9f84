package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;

/** SigV4 verification against signatures made by the real SDK. */
class SigV4Test {

    private static final String ACCESS_KEY = "AKIAEMULATOR0000TEST";
    private static final String SECRET = "emulatorSecretKey/with+specials=";
    private static BedrockEmulator emulator;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials(ACCESS_KEY, SECRET).build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @Test
    void rightSecretIsAcceptedOverBothProtocolsAndForEncodedArnPaths() {
        for (Protocol protocol : new Protocol[] {Protocol.HTTP2, Protocol.HTTP1_1}) {
            try (BedrockRuntimeAsyncClient client =
                    SdkHarness.client(emulator.endpoint(), protocol, ACCESS_KEY, SECRET, 5)) {
                // an ARN puts %3A and %2F into the path: checks the canonical URI encoding
                for (String modelId : new String[] {
                    SdkHarness.CLAUDE,
                    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us." + SdkHarness.CLAUDE
                }) {
                    SdkHarness.StreamResult result = SdkHarness.stream(
                            client, modelId, SdkHarness.claudeBody("signed \"text\" ü [[emu words=3]]"));
                    assertThat(result.error()).as(protocol + " " + modelId).isNull();
                    assertThat(result.chunks()).hasSize(6);
                }
            }
        }
    }

    @Test
    void wrongSecretIsRefusedWithInvalidSignature() {
        try (BedrockRuntimeAsyncClient client =
                SdkHarness.client(emulator.endpoint(), Protocol.HTTP2, ACCESS_KEY, "not-the-secret", 5)) {
            SdkHarness.StreamResult result = SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"));
            assertThat(result.error()).isExactlyInstanceOf(BedrockRuntimeException.class);
            BedrockRuntimeException e = (BedrockRuntimeException) result.error();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            assertThat(e.awsErrorDetails().errorMessage())
                    .startsWith("The request signature we calculated does not match the signature you provided.");
        }
    }

    @Test
    void unknownAccessKeyIsRefusedAsUnrecognizedClient() {
        try (BedrockRuntimeAsyncClient client =
                SdkHarness.client(emulator.endpoint(), Protocol.HTTP1_1, "AKIAUNKNOWN000000000", SECRET, 5)) {
            SdkHarness.StreamResult result = SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"));
            BedrockRuntimeException e = (BedrockRuntimeException) result.error();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
            assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The security token included in the request is invalid.");
        }
    }

    @Test
    void missingAuthorizationHeaderIsRefused() throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(
                        emulator.endpoint() + "/model/" + SdkHarness.CLAUDE + "/invoke-with-response-stream"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(SdkHarness.claudeBody("x")))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
                .hasValue("MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.bedrock/");
        assertThat(response.body()).isEqualTo("{\"message\":\"Missing Authentication Token\"}");
    }

    @Test
    void unsignedSdkRequestSurfacesAsGeneric403() {
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            SdkHarness.StreamResult result = SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"));
            System.out.println("unsigned SDK call: " + result.error());
            BedrockRuntimeException e = (BedrockRuntimeException) result.error();
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingAuthenticationTokenException");
        }
    }
}
