package io.bedrockstream.bedrock;

/** The error taxonomy of ARCHITECTURE.md: it decides retry and dead-lettering. */
public enum ErrorKind {
    /** 429 ThrottlingException, throttlingException event, ServiceQuotaExceededException: always retried with backoff. */
    THROTTLING,
    /** 5xx, model stream errors, timeouts, connection loss, truncated stream: retried where configured. */
    TRANSIENT,
    /** ValidationException, bad body, template field missing, model not allowed: dead-lettered at once. */
    INVALID_REQUEST,
    /** AccessDenied, ResourceNotFound, bad credentials: dead-lettered (or the task fails, by config). */
    CONFIGURATION
}
