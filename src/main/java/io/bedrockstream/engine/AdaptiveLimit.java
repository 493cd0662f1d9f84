package io.bedrockstream.engine;

/**
 * AIMD concurrency limit. Throttling halves it, each completed invocation adds 1/limit (about +1 per limit's
 * worth of completions), so the engine settles just below what Bedrock's quota lets through. Throttles that
 * arrive within one decrease window of the last decrease count once: the requests in flight when the quota
 * was hit all fail together, and halving once per request would collapse the limit to its floor at once.
 * Not thread-safe: the engine calls it under its lock.
 */
final class AdaptiveLimit {
    private final int min;
    private final int max;
    private final long decreaseWindowNanos;
    private double limit;
    private long lastDecreaseNanos;
    private boolean decreasedOnce;

    AdaptiveLimit(int min, int max, long decreaseWindowNanos) {
        this.min = min;
        this.max = max;
        this.decreaseWindowNanos = decreaseWindowNanos;
        this.limit = max;
    }

    void onThrottle(long nowNanos) {
        if (decreasedOnce && nowNanos - lastDecreaseNanos < decreaseWindowNanos) {
            return;
        }
        limit = Math.max(min, Math.floor(limit * 0.5));
        lastDecreaseNanos = nowNanos;
        decreasedOnce = true;
    }

    void onSuccess() {
        limit = Math.min(max, limit + 1.0 / limit);
    }

    int current() {
        return Math.max(min, (int) Math.floor(limit + 1e-9));
    }
}
