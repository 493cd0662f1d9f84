package io.bedrockstream.emulator;

import java.util.Map;
import java.util.Optional;

/** The error codes Bedrock answers with before a stream starts (BEDROCK.md §3) and in it (§4). */
final class BedrockErrors {

    record PreStream(String code, int status, String message) {}

    static final String THROTTLING_MESSAGE = "Too many requests, please wait before trying again.";
    static final String INVALID_MODEL_MESSAGE = "The provided model identifier is invalid.";

    private static final Map<String, PreStream> PRE_STREAM = Map.ofEntries(
            entry("ValidationException", 400, "Malformed input request, please reformat your input and try again."),
            entry(
                    "ServiceQuotaExceededException",
                    400,
                    "Your request exceeds the service quota for your account. You can view your quotas at the"
                            + " Service Quotas console."),
            entry("AccessDeniedException", 403, "You don't have access to the model with the specified model ID."),
            entry("ResourceNotFoundException", 404, "The requested resource could not be found."),
            entry(
                    "ModelTimeoutException",
                    408,
                    "Model has timed out in processing the request. Try your request" + " again."),
            entry(
                    "ModelErrorException",
                    424,
                    "The system encountered an unexpected error during processing." + " Try your request again."),
            entry("ThrottlingException", 429, THROTTLING_MESSAGE),
            entry(
                    "ModelNotReadyException",
                    429,
                    "Model is not ready to serve inference requests. The SDK will"
                            + " automatically retry the operation."),
            entry(
                    "InternalServerException",
                    500,
                    "The server encountered an internal error while processing the" + " request."),
            entry("ServiceUnavailableException", 503, "Service unavailable. Try your request again later."),
            entry("ModelStreamErrorException", 424, "The model encountered an error while streaming the response."),
            entry("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
            entry("ExpiredTokenException", 403, "The security token included in the request is expired"),
            entry("UnrecognizedClientException", 403, "The security token included in the request is invalid."),
            entry(
                    "IncompleteSignatureException",
                    400,
                    "Authorization header requires 'Credential',"
                            + " 'Signature' and 'SignedHeaders' parameters and an X-Amz-Date header."),
            entry(
                    "InvalidSignatureException",
                    403,
                    "The request signature we calculated does not match the"
                            + " signature you provided. Check your AWS Secret Access Key and signing method. Consult the"
                            + " service documentation for details."));

    /** The {@code :exception-type} members of the ResponseStream union and their messages. */
    private static final Map<String, String> MID_STREAM = Map.of(
            "throttlingException", THROTTLING_MESSAGE,
            "internalServerException", "The server encountered an internal error while processing the request.",
            "serviceUnavailableException", "Service unavailable. Try your request again later.",
            "validationException", "The model produced output that failed validation.",
            "modelTimeoutException", "Model has timed out in processing the request. Try your request again.",
            "modelStreamErrorException", "The model encountered an error while streaming the response.");

    private BedrockErrors() {}

    static Optional<PreStream> preStream(String code) {
        return Optional.ofNullable(PRE_STREAM.get(code));
    }

    static Optional<String> midStreamMessage(String exceptionType) {
        return Optional.ofNullable(MID_STREAM.get(exceptionType));
    }

    private static Map.Entry<String, PreStream> entry(String code, int status, String message) {
        return Map.entry(code, new PreStream(code, status, message));
    }
}
