package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
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

/** Pre-stream (§3) and mid-stream (§4, §6) faults as the real SDK reports them, retries off. */
class FaultInjectionTest {

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h2;
    private static BedrockRuntimeAsyncClient h1;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
        h2 = SdkHarness.client(emulator.endpoint());
        h1 = SdkHarness.client(emulator.endpoint(), Protocol.HTTP1_1, "AKIDEXAMPLE", "secret", 10);
    }

    @AfterAll
    static void stop() {
        h1.close();
        h2.close();
        emulator.close();
    }

    static Stream<Arguments> preStreamErrors() {
        return Stream.of(
                Arguments.of("ValidationException", ValidationException.class, 400),
                Arguments.of("ServiceQuotaExceededException", ServiceQuotaExceededException.class, 400),
                Arguments.of("AccessDeniedException", AccessDeniedException.class, 403),
                Arguments.of("ResourceNotFoundException", ResourceNotFoundException.class, 404),
                Arguments.of("ModelTimeoutException", ModelTimeoutException.class, 408),
                Arguments.of("ModelErrorException", ModelErrorException.class, 424),
                Arguments.of("ThrottlingException", ThrottlingException.class, 429),
                Arguments.of("ModelNotReadyException", ModelNotReadyException.class, 429),
                Arguments.of("InternalServerException", InternalServerException.class, 500),
                Arguments.of("ServiceUnavailableException", ServiceUnavailableException.class, 503));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("preStreamErrors")
    void preStreamErrorSurfacesAsItsSdkClass(String code, Class<? extends BedrockRuntimeException> type, int status) {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=pre-" + code + " pre=" + code + "]] hi"));
        assertThat(result.error()).isExactlyInstanceOf(type);
        BedrockRuntimeException e = (BedrockRuntimeException) result.error();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(result.chunks()).isEmpty();
        assertThat(emulator.stats().attempts("pre-" + code))
                .extracting(Attempt::outcome)
                .containsExactly(code);
        if (e instanceof ModelErrorException modelError) {
            assertThat(modelError.originalStatusCode()).isEqualTo(500);
            assertThat(modelError.resourceName()).isEqualTo("emulated-model");
        }
    }

    @Test
    void preTimesLimitsTheFaultToTheFirstAttempts() {
        String body = SdkHarness.claudeBody("[[emu id=pre-times pre=InternalServerException pre_times=1]] hi");
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, body).error()).isInstanceOf(InternalServerException.class);
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, body).error()).isNull();
        assertThat(emulator.stats().attempts("pre-times"))
                .extracting(Attempt::outcome)
                .containsExactly("InternalServerException", "complete");
    }

    static Stream<Arguments> midStreamExceptions() {
        return Stream.of(
                Arguments.of("throttlingException", ThrottlingException.class, 429),
                Arguments.of("internalServerException", InternalServerException.class, 500),
                Arguments.of("serviceUnavailableException", ServiceUnavailableException.class, 503),
                Arguments.of("modelStreamErrorException", ModelStreamErrorException.class, 424),
                Arguments.of("validationException", ValidationException.class, 400),
                Arguments.of("modelTimeoutException", ModelTimeoutException.class, 408));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("midStreamExceptions")
    void midStreamExceptionArrivesAfterExactlyKChunks(
            String type, Class<? extends BedrockRuntimeException> cls, int status) {
        String id = "mid-" + type;
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2,
                SdkHarness.CLAUDE,
                SdkHarness.claudeBody("[[emu id=" + id + " mid=" + type + " mid_after=3 orig_status=503]] hi"));
        assertThat(result.error()).isExactlyInstanceOf(cls);
        BedrockRuntimeException e = (BedrockRuntimeException) result.error();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo(type);
        assertThat(result.chunks()).hasSize(3);
        if (e instanceof ModelStreamErrorException streamError) {
            assertThat(streamError.originalStatusCode()).isEqualTo(503);
            assertThat(streamError.originalMessage()).isEqualTo("Model returned status 503");
        }
        Attempt attempt = emulator.stats().attempts(id).get(0);
        assertThat(attempt.outcome()).isEqualTo(type);
        assertThat(attempt.chunks()).isEqualTo(3);
        assertThat(attempt.text()).isNotEmpty();
    }

    @Test
    void midTimesLimitsTheFaultToTheFirstAttempts() {
        String body = SdkHarness.claudeBody("[[emu id=mid-times mid=throttlingException mid_times=1]] hi");
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, body).error()).isInstanceOf(ThrottlingException.class);
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, body).error()).isNull();
        assertThat(emulator.stats().attempts("mid-times"))
                .extracting(Attempt::outcome, Attempt::chunks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("throttlingException", 1),
                        org.assertj.core.groups.Tuple.tuple("complete", 13));
    }

    @Test
    void errorMessageTypeIsAGenericBedrockRuntimeException() {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=err mid=error mid_after=2]] hi"));
        assertThat(result.error()).isExactlyInstanceOf(BedrockRuntimeException.class);
        BedrockRuntimeException e = (BedrockRuntimeException) result.error();
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("An internal error occurred.");
        assertThat(result.chunks()).hasSize(2);
        assertThat(emulator.stats().attempts("err"))
                .extracting(Attempt::outcome)
                .containsExactly("error");
    }

    @Test
    void corruptFrameFailsTheChecksum() {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=corrupt mid=corrupt mid_after=4]] hi"));
        assertThat(result.error()).isInstanceOf(SdkClientException.class);
        assertThat(result.errorText()).contains("Message checksum failure");
        assertThat(result.chunks()).hasSize(4);
        assertThat(emulator.stats().attempts("corrupt"))
                .extracting(Attempt::outcome)
                .containsExactly("corrupt");
    }

    @Test
    void closeOnHttp2ResetsTheStreamAndTheSdkCompletesWithPartialChunks() {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=close-h2 mid=close mid_after=3]] hi"));
        System.out.println("close over h2: error=" + result.error() + " chunks="
                + result.chunks().size());
        assertThat(result.chunks()).hasSize(3);
        assertThat(result.error()).isNull();
        assertThat(emulator.stats().attempts("close-h2"))
                .extracting(Attempt::outcome)
                .containsExactly("close");
        // the connection survives a reset stream
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("after close"))
                        .error())
                .isNull();
    }

    @Test
    void closeOnHttp1DropsTheConnectionAndTheSdkCompletesWithPartialChunks() {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=close-h1 mid=close mid_after=2]] hi"));
        System.out.println("close over h1: error=" + result.error() + " chunks="
                + result.chunks().size());
        assertThat(result.chunks()).hasSize(2);
        assertThat(result.error()).isNull();
        assertThat(emulator.stats().attempts("close-h1"))
                .extracting(Attempt::outcome)
                .containsExactly("close");
        assertThat(SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("after close"))
                        .error())
                .isNull();
    }

    @Test
    void stallPausesThenCompletes() {
        long start = System.nanoTime();
        SdkHarness.StreamResult result = SdkHarness.stream(
                h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=stall mid=stall mid_after=2 stall_ms=600]] hi"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(result.error()).isNull();
        assertThat(result.chunks()).hasSize(13);
        assertThat(ms).isGreaterThanOrEqualTo(600);
        assertThat(emulator.stats().attempts("stall"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");
    }

    @Test
    void midStreamExceptionOverHttp1() {
        SdkHarness.StreamResult result = SdkHarness.stream(
                h1,
                SdkHarness.CLAUDE,
                SdkHarness.claudeBody("[[emu id=mid-h1 mid=modelStreamErrorException mid_after=1]] hi"));
        assertThat(result.error()).isExactlyInstanceOf(ModelStreamErrorException.class);
        assertThat(((ModelStreamErrorException) result.error()).originalStatusCode())
                .isEqualTo(500);
        assertThat(result.chunks()).hasSize(1);
    }

    @Test
    void unknownDirectiveValuesAreValidationErrors() {
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu mid=explode]]"))
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("mid=explode");
        assertThat(SdkHarness.stream(h2, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu pre=Nope]]"))
                        .error())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("pre=Nope");
    }

    @Test
    void withSdkRetriesOnAMidStreamThrottleReplaysTheWholeRequest() {
        try (BedrockRuntimeAsyncClient retrying = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AK", "SK")))
                .build()) {
            SdkHarness.StreamResult result = SdkHarness.stream(
                    retrying,
                    SdkHarness.CLAUDE,
                    SdkHarness.claudeBody("[[emu id=replay mid=throttlingException mid_after=3 mid_times=1]] hi"));
            assertThat(result.error()).isNull();
            // BEDROCK.md §6: the visitor sees the first attempt's 3 chunks again in the replay
            assertThat(result.chunks()).hasSize(3 + 13);
            assertThat(result.chunks().get(0)).isEqualTo(result.chunks().get(3));
            assertThat(emulator.stats().attempts("replay"))
                    .extracting(Attempt::outcome)
                    .containsExactly("throttlingException", "complete");
        }
    }
}
