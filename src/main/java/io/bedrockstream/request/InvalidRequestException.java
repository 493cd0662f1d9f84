package io.bedrockstream.request;

/**
 * A request record that cannot become a Bedrock request. Retrying cannot help; the record goes to the
 * dead-letter topic. Messages say what to fix and never quote a whole prompt or body (they end up in
 * logs and DLQ headers).
 */
public class InvalidRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the record was refused; stable names for DLQ headers and metrics. */
    public enum Reason {
        NULL_VALUE,
        NOT_UTF8,
        NOT_JSON,
        TOO_LARGE,
        PROMPT_MISSING,
        TEMPLATE_FIELD_MISSING,
        TEMPLATE_INVALID,
        MODEL_NOT_ALLOWED,
        MODEL_FAMILY_UNKNOWN,
        UNSUPPORTED_VALUE_TYPE,
        /** A Converse request with a member Converse does not have, or without messages. */
        CONVERSE_MEMBER_UNKNOWN,
        /** A record header meant for request metadata holds a value Bedrock refuses. */
        METADATA_INVALID,
        /** request.cache.system.prompt on InvokeModel for a family without a native cache point. */
        CACHE_POINT_UNSUPPORTED
    }

    private final Reason reason;

    public InvalidRequestException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public InvalidRequestException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
