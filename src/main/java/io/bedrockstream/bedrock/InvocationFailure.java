package io.bedrockstream.bedrock;

/**
 * Why one invocation (one attempt) failed.
 *
 * @param errorType          the service's error code as sent (e.g. {@code ThrottlingException},
 *                           {@code modelStreamErrorException}) or one of ours: {@code StreamTruncated},
 *                           {@code StreamIdleTimeout}, {@code InvocationTimeout}, {@code ConnectionError},
 *                           {@code MalformedChunk}, {@code ClientError}
 * @param originalStatusCode from {@code modelStreamErrorException} / {@code ModelErrorException}, else null
 * @param chunksReceived     chunks delivered before the failure
 */
public record InvocationFailure(
        ErrorKind kind,
        String errorType,
        String message,
        Integer httpStatus,
        Integer originalStatusCode,
        String originalMessage,
        long chunksReceived) {}
