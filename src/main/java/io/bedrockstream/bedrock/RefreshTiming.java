package io.bedrockstream.bedrock;

import java.time.Duration;

/**
 * When refreshed credentials are fetched. Package-private so tests can scale the windows down to credentials
 * that live for seconds.
 *
 * @param prefetchBefore how long before expiry a refresh starts in the background
 * @param staleBefore    how long before expiry credentials stop being handed out (a request signed now must not
 *                       reach the service after they expire)
 * @param retryMin       the first wait after a failed refresh; it doubles up to {@code retryMax}
 * @param retryMax       the longest wait between failed refreshes
 * @param noExpiry       how often credentials without an expiry (long-term keys) are read again
 * @param fetchTimeout   how long one fetch may take before the calls waiting for it fail and it is tried again
 *                       (a credential_process waiting for input, an endpoint that never answers)
 */
record RefreshTiming(
        Duration prefetchBefore,
        Duration staleBefore,
        Duration retryMin,
        Duration retryMax,
        Duration noExpiry,
        Duration fetchTimeout) {

    /** As the SDK's own STS providers: prefetch 5 minutes before expiry, stale 1 minute before. */
    static final RefreshTiming DEFAULT = new RefreshTiming(
            Duration.ofMinutes(5),
            Duration.ofMinutes(1),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofMinutes(15));

    /** With the default fetch timeout, 30 s: longer than the SDK's STS client takes to give up by itself. */
    RefreshTiming(
            Duration prefetchBefore, Duration staleBefore, Duration retryMin, Duration retryMax, Duration noExpiry) {
        this(prefetchBefore, staleBefore, retryMin, retryMax, noExpiry, Duration.ofSeconds(30));
    }

    RefreshTiming {
        if (staleBefore.compareTo(prefetchBefore) > 0) {
            throw new IllegalArgumentException("staleBefore must not exceed prefetchBefore");
        }
    }
}
