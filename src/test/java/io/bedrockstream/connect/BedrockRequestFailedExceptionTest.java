package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class BedrockRequestFailedExceptionTest {
    static final ModelRequest REQUEST = new ModelRequest(
            "req-9",
            "amazon.nova-lite-v1:0",
            ModelFamily.NOVA,
            "{\"secret prompt\":\"do not leak\"}".getBytes(StandardCharsets.UTF_8),
            "application/json",
            "application/json",
            null,
            null,
            null,
            null,
            "requests",
            0,
            5L);

    @Test
    void messageCarriesTheReasonButNotTheBody() {
        RequestOutcome outcome = new RequestOutcome(
                REQUEST,
                3,
                List.of("inv-a", "inv-b", "inv-c"),
                null,
                null,
                new InvocationFailure(
                        ErrorKind.TRANSIENT, "modelStreamErrorException", "Stream failed", null, 503, "overloaded", 4));
        BedrockRequestFailedException e = BedrockRequestFailedException.from(outcome);
        assertThat(e).isInstanceOf(ConnectException.class);
        assertThat(e.getMessage())
                .isEqualTo("Bedrock request 'req-9' failed after 3 attempts "
                        + "[TRANSIENT modelStreamErrorException]: Stream failed (model said 503: overloaded); "
                        + "model amazon.nova-lite-v1:0; invocations inv-a, inv-b, inv-c");
        assertThat(e.getMessage()).doesNotContain("do not leak");
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.errorType()).isEqualTo("modelStreamErrorException");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.invocationIds()).containsExactly("inv-a", "inv-b", "inv-c");
        assertThat(e.getStackTrace()).isEmpty();
    }

    @Test
    void setupErrorsSayWhatToFix() {
        RequestOutcome outcome = new RequestOutcome(
                REQUEST,
                1,
                List.of("inv-a"),
                null,
                null,
                new InvocationFailure(
                        ErrorKind.CONFIGURATION,
                        "AccessDeniedException",
                        "You don't have access to the model",
                        403,
                        null,
                        null,
                        0));
        assertThat(BedrockRequestFailedException.from(outcome).getMessage())
                .startsWith("Bedrock request 'req-9' failed after 1 attempt [CONFIGURATION AccessDeniedException] "
                        + "HTTP 403: You don't have access to the model")
                .contains("bedrock:InvokeModelWithResponseStream");
    }

    @Test
    void throttlingSaysWhichBudgetRanOut() {
        RequestOutcome outcome = new RequestOutcome(
                REQUEST,
                14,
                List.of("inv-a"),
                null,
                null,
                new InvocationFailure(
                        ErrorKind.THROTTLING, "ThrottlingException", "Too many tokens", 429, null, null, 0));
        assertThat(BedrockRequestFailedException.from(outcome).getMessage())
                .startsWith(
                        "Bedrock request 'req-9' failed after 14 attempts [THROTTLING ThrottlingException] HTTP 429")
                .endsWith(". Raise the Bedrock quota or retry.deadline.ms, or lower max.in.flight.requests or "
                        + "rate.tokens.per.minute");
    }

    @Test
    void maxTokensOverTheWholeQuotaSaysWhatToChange() {
        RequestOutcome outcome = new RequestOutcome(
                REQUEST,
                1,
                List.of("inv-a"),
                null,
                null,
                new InvocationFailure(
                        ErrorKind.INVALID_REQUEST,
                        "ExceedsTokenQuota",
                        "the request's max tokens "
                                + "(8000) exceed rate.tokens.per.minute (5000): Bedrock reserves input plus max tokens when a "
                                + "call starts, so it could never start; lower its max tokens or raise the quota",
                        null,
                        null,
                        null,
                        0));
        BedrockRequestFailedException e = BedrockRequestFailedException.from(outcome);
        assertThat(e.getMessage())
                .isEqualTo("Bedrock request 'req-9' failed after 1 attempt "
                        + "[INVALID_REQUEST ExceedsTokenQuota]: the request's max tokens (8000) exceed rate.tokens.per.minute "
                        + "(5000): Bedrock reserves input plus max tokens when a call starts, so it could never start; lower "
                        + "its max tokens or raise the quota; model amazon.nova-lite-v1:0; invocations inv-a");
        assertThat(e.errorType()).isEqualTo("ExceedsTokenQuota");
    }

    @Test
    void invalidRequestBeforeAnyCall() {
        BedrockRequestFailedException e = BedrockRequestFailedException.invalidRequest(
                "req-1", "request.template refers to /question, which the value lacks");
        assertThat(e.getMessage())
                .isEqualTo("Bedrock request 'req-1' is invalid and was not sent [INVALID_REQUEST]: "
                        + "request.template refers to /question, which the value lacks");
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(e.attempts()).isZero();
    }

    @Test
    void completedOutcomeIsNotAFailure() {
        RequestOutcome ok = new RequestOutcome(
                REQUEST, 1, List.of("inv-a"), "hi", new InvocationResult("end_turn", 1L, 1L, 1L, 1L, 1), null);
        assertThatThrownBy(() -> BedrockRequestFailedException.from(ok)).isInstanceOf(IllegalArgumentException.class);
    }
}
