package io.bedrockstream.engine;

import java.util.Random;

/**
 * Exponential backoff with "equal floor" jitter: the delay before retry n (n = the attempt that just failed,
 * 1-based) is uniform in [base, min(max, base × 2^(n-1))]. Plain full jitter (from 0) lets a throttled request
 * come straight back; the floor keeps every retry at least {@code base} away while the jitter still spreads a
 * burst of 429s over the window.
 */
final class Backoff {
    private final long baseMs;
    private final long maxMs;

    Backoff(long baseMs, long maxMs) {
        this.baseMs = baseMs;
        this.maxMs = Math.max(baseMs, maxMs);
    }

    /** The upper bound for the retry after attempt n. */
    long ceilingMs(int failedAttempt) {
        int shift = Math.min(Math.max(failedAttempt - 1, 0), 40);
        long exp = baseMs <= 0 ? 0 : (baseMs > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : baseMs << shift);
        return Math.min(maxMs, exp);
    }

    long floorMs() {
        return baseMs;
    }

    long delayMs(int failedAttempt, Random random) {
        long ceiling = ceilingMs(failedAttempt);
        long floor = Math.min(baseMs, ceiling);
        if (ceiling <= floor) {
            return floor;
        }
        return floor + (long) (random.nextDouble() * (ceiling - floor + 1));
    }
}
