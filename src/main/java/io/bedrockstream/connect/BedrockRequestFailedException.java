package io.bedrockstream.connect;

import static io.bedrockstream.connect.config.BedrockConnectorConfig.MAX_IN_FLIGHT;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.MODEL_ID;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.RATE_TOKENS_PER_MINUTE;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.REGION;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.RETRY_DEADLINE_MS;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.engine.RequestOutcome;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Why a request record was dead-lettered. Connect's dead-letter queue copies the exception's class and
 * message into the {@code __connect.errors.*} headers, so the message is what users read there: error kind,
 * error type, the service's message, attempts and invocation ids. It never carries the request body or
 * credentials. The stack trace is not filled in: it would point into the engine, not at the cause.
 */
public class BedrockRequestFailedException extends ConnectException {
    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String errorType;
    private final int attempts;
    private final List<String> invocationIds;

    private BedrockRequestFailedException(
            String message, ErrorKind kind, String errorType, int attempts, List<String> invocationIds) {
        super(message);
        this.kind = kind;
        this.errorType = errorType;
        this.attempts = attempts;
        this.invocationIds = List.copyOf(invocationIds);
    }

    /** A request that failed for good after its attempts. */
    public static BedrockRequestFailedException from(RequestOutcome outcome) {
        if (outcome.completed()) {
            throw new IllegalArgumentException("A completed request is not dead-lettered");
        }
        InvocationFailure f = outcome.failure();
        List<String> ids = outcome.invocationIds() == null ? List.of() : outcome.invocationIds();
        StringBuilder m = new StringBuilder("Bedrock request '")
                .append(outcome.request().requestId())
                .append("' failed after ")
                .append(outcome.attempts())
                .append(outcome.attempts() == 1 ? " attempt" : " attempts")
                .append(" [")
                .append(f.kind())
                .append(' ')
                .append(f.errorType())
                .append(']');
        if (f.httpStatus() != null) {
            m.append(" HTTP ").append(f.httpStatus());
        }
        m.append(": ").append(f.message());
        if (f.originalStatusCode() != null || f.originalMessage() != null) {
            m.append(" (model said ")
                    .append(f.originalStatusCode())
                    .append(": ")
                    .append(f.originalMessage())
                    .append(')');
        }
        m.append("; model ").append(outcome.request().modelId());
        if (!ids.isEmpty()) {
            m.append("; invocations ").append(String.join(", ", ids));
        }
        String hint = hint(f.kind());
        if (hint != null) {
            m.append(". ").append(hint);
        }
        return new BedrockRequestFailedException(m.toString(), f.kind(), f.errorType(), outcome.attempts(), ids);
    }

    /** A request rejected before any call (bad JSON, template field missing, model not allowed, too large…). */
    public static BedrockRequestFailedException invalidRequest(String requestId, String reason) {
        String m = "Bedrock request '" + requestId + "' is invalid and was not sent [INVALID_REQUEST]: " + reason;
        return new BedrockRequestFailedException(m, ErrorKind.INVALID_REQUEST, "InvalidRequest", 0, List.of());
    }

    /** A request whose output Kafka refused for its own content (a record larger than the producer allows). */
    public static BedrockRequestFailedException outputRefused(String requestId, String reason) {
        String m = "The output of Bedrock request '" + requestId + "' could not be written [OUTPUT_REFUSED]: " + reason;
        return new BedrockRequestFailedException(m, ErrorKind.INVALID_REQUEST, "OutputRefused", 0, List.of());
    }

    /** The same reason, saying that the dead letter carries no value because the request's value was too large. */
    public BedrockRequestFailedException withValueDropped(Object value) {
        String size = value instanceof byte[] b
                ? b.length + " bytes"
                : value instanceof String s ? s.length() + " characters" : "its value";
        return new BedrockRequestFailedException(
                getMessage() + " (the request's value, " + size
                        + ", was too large for the dead-letter topic and is left out of this record)",
                kind,
                errorType,
                attempts,
                invocationIds);
    }

    private static String hint(ErrorKind kind) {
        return switch (kind) {
            case CONFIGURATION ->
                "Check the credentials, the IAM permission bedrock:InvokeModelWithResponseStream "
                        + "on the model, model access in the region, and " + MODEL_ID + " / " + REGION;
            case THROTTLING ->
                "Raise the Bedrock quota or " + RETRY_DEADLINE_MS + ", or lower " + MAX_IN_FLIGHT + " or "
                        + RATE_TOKENS_PER_MINUTE;
            default -> null;
        };
    }

    public ErrorKind kind() {
        return kind;
    }

    public String errorType() {
        return errorType;
    }

    public int attempts() {
        return attempts;
    }

    public List<String> invocationIds() {
        return invocationIds;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
