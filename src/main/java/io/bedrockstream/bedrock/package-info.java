/**
 * The Bedrock Runtime side: the async SDK client ({@link io.bedrockstream.bedrock.BedrockClientFactory}, SDK
 * retries off), one streaming invocation per call ({@link io.bedrockstream.bedrock.StreamingInvoker}) and the
 * error taxonomy ({@link io.bedrockstream.bedrock.ErrorClassifier}). Knows nothing of Kafka.
 *
 * <p>An invocation succeeds only when the family's terminal chunk was seen; a stream that ends without it is a
 * {@code StreamTruncated} failure, and an exception while handling a chunk fails the invocation instead of being
 * swallowed by the SDK (BEDROCK.md §6).
 */
package io.bedrockstream.bedrock;
