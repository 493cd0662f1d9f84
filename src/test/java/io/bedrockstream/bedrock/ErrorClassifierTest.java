package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

class ErrorClassifierTest {

    private static <B extends AwsServiceException.Builder> AwsServiceException service(
            B builder, String code, int status) {
        builder.message(code + " says no")
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code + " says no")
                        .build());
        return (AwsServiceException) builder.build();
    }

    private static void expect(Throwable t, ErrorKind kind, String type) {
        InvocationFailure f = ErrorClassifier.classify(t, 3);
        assertThat(f.kind()).as("kind of %s", t).isEqualTo(kind);
        assertThat(f.errorType()).as("type of %s", t).isEqualTo(type);
        assertThat(f.chunksReceived()).isEqualTo(3);
    }

    @Test
    void throttling() {
        expect(
                service(ThrottlingException.builder(), "ThrottlingException", 429),
                ErrorKind.THROTTLING,
                "ThrottlingException");
        expect(
                service(ThrottlingException.builder(), "throttlingException", 429),
                ErrorKind.THROTTLING,
                "throttlingException");
        expect(
                service(ServiceQuotaExceededException.builder(), "ServiceQuotaExceededException", 400),
                ErrorKind.THROTTLING,
                "ServiceQuotaExceededException");
        // PascalCase mid-stream code arrives as a generic 500 (BEDROCK.md §4)
        expect(
                service(BedrockRuntimeException.builder(), "ThrottlingException", 500),
                ErrorKind.THROTTLING,
                "ThrottlingException");
    }

    /** Bedrock, like STS, answers a bad signature with the canonical request, the signed session token in it. */
    @Test
    void aBadSignatureMessageLeavesTheSignedSessionTokenOutOfTheErrorEvent() {
        String token = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQD4bm9ub25vbm9ub25vbm9ub24K";
        AwsServiceException e = (AwsServiceException) AccessDeniedException.builder()
                .statusCode(403)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("InvalidSignatureException")
                        .errorMessage("The request signature we calculated does not match the signature you "
                                + "provided.\n\nThe Canonical String for this request should have been\n'POST\n"
                                + "/model/m/invoke-with-response-stream\n\nhost:bedrock-runtime.us-east-1"
                                + ".amazonaws.com\nx-amz-security-token:" + token + "\n'")
                        .build())
                .build();
        InvocationFailure f = ErrorClassifier.classify(e, 0);
        assertThat(f.message())
                .doesNotContain(token)
                .doesNotContain("Canonical")
                .startsWith("The request signature we calculated does not match");
    }

    @Test
    void stsThrottlesAndExpiresWithHttp400() {
        // assume-role: STS answers "Throttling" and "ExpiredToken" with HTTP 400
        expect(service(AwsServiceException.builder(), "Throttling", 400), ErrorKind.THROTTLING, "Throttling");
        expect(service(AwsServiceException.builder(), "ExpiredToken", 400), ErrorKind.CONFIGURATION, "ExpiredToken");
    }

    @Test
    void transientServiceErrors() {
        expect(
                service(ServiceUnavailableException.builder(), "ServiceUnavailableException", 503),
                ErrorKind.TRANSIENT,
                "ServiceUnavailableException");
        expect(
                service(InternalServerException.builder(), "internalServerException", 500),
                ErrorKind.TRANSIENT,
                "internalServerException");
        expect(
                service(ModelNotReadyException.builder(), "ModelNotReadyException", 429),
                ErrorKind.TRANSIENT,
                "ModelNotReadyException");
        expect(
                service(ModelTimeoutException.builder(), "modelTimeoutException", 408),
                ErrorKind.TRANSIENT,
                "modelTimeoutException");
        expect(service(BedrockRuntimeException.builder(), "SomethingOdd", 500), ErrorKind.TRANSIENT, "SomethingOdd");
    }

    @Test
    void modelStreamErrorCarriesTheOriginalStatus() {
        ModelStreamErrorException e = (ModelStreamErrorException) ModelStreamErrorException.builder()
                .originalStatusCode(529)
                .originalMessage("overloaded")
                .message("stream broke")
                .statusCode(424)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("modelStreamErrorException")
                        .errorMessage("stream broke")
                        .build())
                .build();
        InvocationFailure f = ErrorClassifier.classify(new CompletionException(e), 5);
        assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(f.errorType()).isEqualTo("modelStreamErrorException");
        assertThat(f.message()).isEqualTo("stream broke");
        assertThat(f.httpStatus()).isEqualTo(424);
        assertThat(f.originalStatusCode()).isEqualTo(529);
        assertThat(f.originalMessage()).isEqualTo("overloaded");
        assertThat(f.chunksReceived()).isEqualTo(5);

        ModelErrorException me = (ModelErrorException) ModelErrorException.builder()
                .originalStatusCode(500)
                .statusCode(424)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ModelErrorException")
                        .build())
                .build();
        assertThat(ErrorClassifier.classify(me, 0).originalStatusCode()).isEqualTo(500);
        assertThat(ErrorClassifier.classify(me, 0).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void invalidRequest() {
        expect(
                service(ValidationException.builder(), "ValidationException", 400),
                ErrorKind.INVALID_REQUEST,
                "ValidationException");
        expect(
                service(ValidationException.builder(), "validationException", 400),
                ErrorKind.INVALID_REQUEST,
                "validationException");
    }

    @Test
    void configurationErrorsSayWhatToFix() {
        InvocationFailure denied =
                ErrorClassifier.classify(service(AccessDeniedException.builder(), "AccessDeniedException", 403), 0);
        assertThat(denied.kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(denied.message()).contains("bedrock:InvokeModelWithResponseStream");
        InvocationFailure missing = ErrorClassifier.classify(
                service(ResourceNotFoundException.builder(), "ResourceNotFoundException", 404), 0);
        assertThat(missing.kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(missing.message()).contains("bedrock.model.id").contains("bedrock.region");
        for (String code : new String[] {
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "MissingAuthenticationTokenException",
            "ExpiredTokenException"
        }) {
            expect(service(BedrockRuntimeException.builder(), code, 403), ErrorKind.CONFIGURATION, code);
        }
        InvocationFailure creds = ErrorClassifier.classify(
                SdkClientException.create("Unable to load credentials from any of the providers in the chain"), 0);
        assertThat(creds.kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(creds.message()).contains("bedrock.credentials.provider");
    }

    @Test
    void credentialsThatCannotBeHadAreSetupErrorsWhereverTheSdkWrapsThem() {
        CredentialsUnavailableException setup = new CredentialsUnavailableException(
                ErrorKind.CONFIGURATION, "profile 'x' gave no credentials. Fix it.");
        for (Throwable t : new Throwable[] {
            setup, new CompletionException(setup), SdkClientException.create("Unable to execute", setup)
        }) {
            InvocationFailure f = ErrorClassifier.classify(t, 0);
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.errorType()).isEqualTo(ErrorClassifier.CREDENTIALS_ERROR);
            assertThat(f.message()).isEqualTo("profile 'x' gave no credentials. Fix it.");
        }
        expect(
                new CredentialsUnavailableException(ErrorKind.TRANSIENT, "STS busy"),
                ErrorKind.TRANSIENT,
                ErrorClassifier.CREDENTIALS_ERROR);
        // the symptom: the SDK's STS client without a synchronous HTTP client is a broken install
        InvocationFailure noHttp = ErrorClassifier.classify(
                SdkClientException.create("Unable to load an HTTP "
                        + "implementation from any provider in the chain. You must declare a dependency on an appropriate "
                        + "HTTP implementation or pass in an SdkHttpClient explicitly to the client builder."),
                0);
        assertThat(noHttp.kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(noHttp.message())
                .endsWith("the plugin's lib/ must hold the AWS SDK's url-connection-client: "
                        + "install the whole plugin archive");
    }

    @Test
    void stsFailuresAreTransientOnlyWhenStsOrTheNetworkIsAtFault() {
        AwsServiceException denied =
                service(software.amazon.awssdk.services.sts.model.StsException.builder(), "AccessDenied", 403);
        AwsServiceException busy =
                service(software.amazon.awssdk.services.sts.model.StsException.builder(), "Throttling", 400);
        AwsServiceException down =
                service(software.amazon.awssdk.services.sts.model.StsException.builder(), "InternalFailure", 500);
        assertThat(CredentialFailures.describe("s", "Fix.", denied, java.util.List.of())
                        .kind())
                .isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(CredentialFailures.describe("s", "Fix.", down, java.util.List.of())
                        .kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(CredentialFailures.describe(
                                "s",
                                "Fix.",
                                SdkClientException.create(
                                        "Unable to execute HTTP " + "request",
                                        new java.net.ConnectException("Connection refused")),
                                java.util.List.of())
                        .kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(CredentialFailures.describe(
                                "s",
                                "Fix.",
                                new java.io.UncheckedIOException(
                                        new java.nio.file.NoSuchFileException("/var/run/token")),
                                java.util.List.of())
                        .kind())
                .isEqualTo(ErrorKind.CONFIGURATION);
        // STS throttles with HTTP 400; the SDK knows the code
        assertThat(CredentialFailures.describe("s", "Fix.", busy, java.util.List.of())
                        .kind())
                .isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void credentialMessagesScrubSecrets() {
        CredentialsUnavailableException e = CredentialFailures.describe(
                "s",
                "Fix.",
                SdkClientException.create(
                        "bad line aws_secret_access_key = wJalrXUtnFEMI/K7MDENG and sessionToken: FwoGZXIvYXdzE and "
                                + "external id ext-12345"),
                java.util.List.of("ext-12345"));
        assertThat(e.getMessage())
                .isEqualTo("s gave no credentials: bad line aws_secret_access_key = **** and "
                        + "sessionToken: **** and external id ****. Fix.");
    }

    @Test
    void clientSideFailures() {
        expect(
                SdkClientException.create("read", ReadTimeoutException.INSTANCE),
                ErrorKind.TRANSIENT,
                ErrorClassifier.STREAM_IDLE_TIMEOUT);
        expect(ApiCallTimeoutException.create(1000), ErrorKind.TRANSIENT, ErrorClassifier.INVOCATION_TIMEOUT);
        expect(
                new ExecutionException(SdkClientException.create("io", new IOException("Connection reset by peer"))),
                ErrorKind.TRANSIENT,
                ErrorClassifier.CONNECTION_ERROR);
        expect(
                SdkClientException.create("closed", new ClosedChannelException()),
                ErrorKind.TRANSIENT,
                ErrorClassifier.CONNECTION_ERROR);
        expect(
                SdkClientException.create("bad frame", new IllegalArgumentException("Message checksum failure")),
                ErrorKind.TRANSIENT,
                ErrorClassifier.CLIENT_ERROR);
        expect(new IllegalStateException("who knows"), ErrorKind.TRANSIENT, ErrorClassifier.CLIENT_ERROR);
    }

    @Test
    void messagesNeverCarryCredentials() {
        InvocationFailure f = ErrorClassifier.classify(SdkClientException.create("Unable to load credentials"), 0);
        assertThat(f.message()).doesNotContain("AKID").doesNotContain("secret");
    }

    @Test
    void settingsToStringMasksSecrets() {
        BedrockClientSettings s = BedrockClientSettings.builder("us-east-1")
                .credentials(CredentialsSettings.staticKeys("AKIDEXAMPLE1234", "topsecretvalue", "sessiontok"))
                .build();
        assertThat(s.toString())
                .doesNotContain("topsecretvalue")
                .doesNotContain("sessiontok")
                .doesNotContain("AKIDEXAMPLE")
                .contains("1234")
                .contains("us-east-1");
    }
}
