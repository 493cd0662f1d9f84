package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.BedrockClientSettings.INVOCATION_TIMEOUT_KEY;
import static io.bedrockstream.bedrock.BedrockClientSettings.REGION_KEY;
import static io.bedrockstream.bedrock.BedrockClientSettings.STREAM_IDLE_TIMEOUT_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.PROVIDER_KEY;
import static io.bedrockstream.bedrock.CredentialsSettings.SESSION_TOKEN_KEY;
import static io.bedrockstream.request.RequestMappingSettings.MODEL_ID_KEY;
import static io.bedrockstream.request.RequestMappingSettings.SERVICE_TIER_KEY;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;

/**
 * Maps whatever the SDK threw to the error taxonomy of ARCHITECTURE.md. Service errors are matched by the
 * error code the service sent (case-insensitively: mid-stream events use camelCase member names, BEDROCK.md
 * §4), so an older SDK that reports an unknown class still classifies right. Messages never carry credentials:
 * only the service's message or the exception class and our own text are used.
 */
public final class ErrorClassifier {

    public static final String STREAM_TRUNCATED = "StreamTruncated";
    public static final String STREAM_IDLE_TIMEOUT = "StreamIdleTimeout";
    public static final String INVOCATION_TIMEOUT = "InvocationTimeout";
    public static final String CONNECTION_ERROR = "ConnectionError";
    public static final String MALFORMED_CHUNK = "MalformedChunk";
    public static final String CLIENT_ERROR = "ClientError";
    public static final String CANCELLED = "Cancelled";
    /** No credentials to sign with: the message says which provider failed and what to fix. */
    public static final String CREDENTIALS_ERROR = "CredentialsError";
    // Bedrock's own transient error codes
    public static final String MODEL_STREAM_ERROR = "ModelStreamErrorException";
    public static final String INTERNAL_SERVER = "InternalServerException";
    public static final String SERVICE_UNAVAILABLE = "ServiceUnavailableException";
    public static final String MODEL_NOT_READY = "ModelNotReadyException";
    public static final String MODEL_TIMEOUT = "ModelTimeoutException";
    public static final String MODEL_ERROR = "ModelErrorException";
    /** Every error type a transient failure may carry, the service's and our own: what a retry policy can name. */
    public static final List<String> TRANSIENT_ERROR_TYPES = List.of(
            MODEL_STREAM_ERROR,
            INTERNAL_SERVER,
            SERVICE_UNAVAILABLE,
            MODEL_NOT_READY,
            MODEL_TIMEOUT,
            STREAM_TRUNCATED,
            STREAM_IDLE_TIMEOUT,
            INVOCATION_TIMEOUT,
            CONNECTION_ERROR,
            MODEL_ERROR,
            MALFORMED_CHUNK,
            CLIENT_ERROR,
            CREDENTIALS_ERROR);

    private ErrorClassifier() {}

    public static InvocationFailure classify(Throwable error, long chunksSoFar) {
        CredentialsUnavailableException credentials = causeOfType(error, CredentialsUnavailableException.class);
        if (credentials != null) {
            return new InvocationFailure(
                    credentials.kind(), CREDENTIALS_ERROR, credentials.getMessage(), null, null, null, chunksSoFar);
        }
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException service) {
            return classifyService(service, chunksSoFar);
        }
        if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
            return transientFailure(
                    INVOCATION_TIMEOUT, "the invocation took longer than " + INVOCATION_TIMEOUT_KEY, chunksSoFar);
        }
        if (hasCause(t, "ReadTimeoutException")) {
            return transientFailure(
                    STREAM_IDLE_TIMEOUT,
                    "no bytes from Bedrock for longer than " + STREAM_IDLE_TIMEOUT_KEY,
                    chunksSoFar);
        }
        if (isCredentialProblem(t)) {
            return new InvocationFailure(
                    ErrorKind.CONFIGURATION,
                    CREDENTIALS_ERROR,
                    "could not load AWS credentials (" + safeMessage(t) + "); check " + PROVIDER_KEY + " "
                            + "and the keys, profile or role it needs",
                    null,
                    null,
                    null,
                    chunksSoFar);
        }
        if (hasMessage(t, CredentialFailures.MISSING_HTTP_CLIENT)) {
            // the SDK built a client it cannot run: setup, not a passing fault
            return new InvocationFailure(
                    ErrorKind.CONFIGURATION,
                    CLIENT_ERROR,
                    safeMessage(t)
                            + "; the plugin's lib/ must hold the AWS SDK's url-connection-client: install the whole plugin "
                            + "archive",
                    null,
                    null,
                    null,
                    chunksSoFar);
        }
        if (isChecksumFailure(t)) {
            return transientFailure(CLIENT_ERROR, "corrupt event-stream frame: " + safeMessage(t), chunksSoFar);
        }
        if (isConnectionProblem(t)) {
            return transientFailure(CONNECTION_ERROR, "connection to Bedrock failed: " + safeMessage(t), chunksSoFar);
        }
        return transientFailure(CLIENT_ERROR, safeMessage(t), chunksSoFar);
    }

    private static InvocationFailure classifyService(AwsServiceException e, long chunks) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String errorType = code != null && !code.isBlank() ? code : e.getClass().getSimpleName();
        String lower = errorType.toLowerCase(Locale.ROOT);
        int status = e.statusCode();
        Integer httpStatus = status > 0 ? status : null;
        String message = serviceMessage(e);
        Integer originalStatus = null;
        String originalMessage = null;
        if (e instanceof ModelStreamErrorException mse) {
            originalStatus = mse.originalStatusCode();
            originalMessage = mse.originalMessage();
        } else if (e instanceof ModelErrorException mee) {
            originalStatus = mee.originalStatusCode();
        }
        ErrorKind kind = kindOf(lower, e.isThrottlingException(), status);
        if (kind == ErrorKind.INVALID_REQUEST && isServiceTierRefusal(message)) {
            // the same for every record: the setup is wrong, not this request
            return new InvocationFailure(
                    ErrorKind.CONFIGURATION,
                    errorType,
                    message + "; the model does not offer " + "this service tier: change or clear " + SERVICE_TIER_KEY,
                    httpStatus,
                    null,
                    null,
                    chunks);
        }
        if (kind == ErrorKind.CONFIGURATION) {
            message = message + "; " + (isApiKeyRefusal(message) ? API_KEY_HINT : configurationHint(lower));
        }
        return new InvocationFailure(kind, errorType, message, httpStatus, originalStatus, originalMessage, chunks);
    }

    /** Whether an error type, as a failure or an error terminal names it, is Bedrock throttling the call. */
    public static boolean isThrottling(String errorType) {
        return errorType != null && kindOf(errorType.toLowerCase(Locale.ROOT), false, 0) == ErrorKind.THROTTLING;
    }

    private static ErrorKind kindOf(String code, boolean sdkSaysThrottling, int status) {
        if (code.equals("throttlingexception")
                || code.equals("servicequotaexceededexception")
                || code.equals("toomanyrequestsexception")
                || code.equals("throttling")) {
            return ErrorKind.THROTTLING;
        }
        if (code.equals("validationexception")) {
            return ErrorKind.INVALID_REQUEST;
        }
        if (code.equals("accessdeniedexception")
                || code.equals("resourcenotfoundexception")
                || code.equals("unrecognizedclientexception")
                || code.equals("invalidsignatureexception")
                || code.equals("missingauthenticationtokenexception")
                || code.equals("missingauthenticationtoken")
                || code.equals("expiredtokenexception")
                || code.equals("expiredtoken")
                || code.equals("invalidclienttokenid")
                || code.equals("signaturedoesnotmatch")
                || code.equals("accessdenied")) {
            return ErrorKind.CONFIGURATION;
        }
        if (code.equals("modelnotreadyexception")) {
            // HTTP 429 but not a quota problem: the model is loading, so a plain transient retry fits
            return ErrorKind.TRANSIENT;
        }
        // STS, for one, throttles with HTTP 400 "Throttling": trust the SDK's own judgement whatever the status
        if (sdkSaysThrottling && !code.startsWith("model")) {
            return ErrorKind.THROTTLING;
        }
        if (status == 403 || status == 401) {
            return ErrorKind.CONFIGURATION;
        }
        if (status == 400 && !code.startsWith("model")) {
            return ErrorKind.INVALID_REQUEST;
        }
        return ErrorKind.TRANSIENT;
    }

    static final String API_KEY_HINT = "Bedrock refused the API key: check that bedrock.api.key (with "
            + "bedrock.credentials.provider=api-key) or the worker's AWS_BEARER_TOKEN_BEDROCK (with the default "
            + "provider) holds a whole, unexpired Bedrock API key issued for bedrock.region";

    /** Bedrock's words for a bearer token it does not accept ("…API Key is valid", "Invalid API Key format…"). */
    private static boolean isApiKeyRefusal(String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains("api key");
    }

    private static boolean isServiceTierRefusal(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        return m.contains("service tier") || m.contains("servicetier");
    }

    private static String configurationHint(String code) {
        return switch (code) {
            case "accessdeniedexception", "accessdenied" ->
                "check the IAM policy allows bedrock:InvokeModelWithResponseStream on this model, "
                        + "and that model access is enabled in this region";
            case "resourcenotfoundexception" -> "check " + MODEL_ID_KEY + " and " + REGION_KEY;
            case "expiredtokenexception" ->
                "the session token had expired when the call was signed: temporary keys "
                        + "in " + SESSION_TOKEN_KEY + " cannot be renewed by the connector; use " + PROVIDER_KEY + " "
                        + "default, profile or assume-role, which refresh credentials before they expire";
            default ->
                "check the credentials (" + PROVIDER_KEY + ", access key, secret, session token)" + " and "
                        + REGION_KEY;
        };
    }

    /** Scrubbed: a bad signature's message carries the canonical request, session token included. */
    private static String serviceMessage(AwsServiceException e) {
        String message = e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage()
                : e.getMessage();
        return message == null ? null : CredentialFailures.scrub(message, List.of());
    }

    private static InvocationFailure transientFailure(String type, String message, long chunks) {
        return new InvocationFailure(ErrorKind.TRANSIENT, type, message, null, null, null, chunks);
    }

    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof CompletionException || cur instanceof ExecutionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    private static <T extends Throwable> T causeOfType(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static boolean hasMessage(Throwable t, String lowerCaseText) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, String simpleName) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getSimpleName().equals(simpleName)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCredentialProblem(Throwable t) {
        if (!(t instanceof SdkClientException)) {
            return false;
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("unable to load credentials")
                || m.contains("credentials") && (m.contains("load") || m.contains("provider") || m.contains("resolve"));
    }

    private static boolean isChecksumFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("checksum") || m.contains("prelude")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException || c instanceof ClosedChannelException || c instanceof TimeoutException) {
                return true;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("connection reset")
                    || m.contains("connection refused")
                    || m.contains("closed")
                    || m.contains("acquire operation took longer")
                    || m.contains("channel")) {
                return true;
            }
        }
        return false;
    }

    private static String safeMessage(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
