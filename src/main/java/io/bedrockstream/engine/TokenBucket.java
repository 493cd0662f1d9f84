package io.bedrockstream.engine;

/**
 * A continuously refilled bucket for the requests-per-minute and tokens-per-minute caps. The level may go
 * negative (tokens are only known after an invocation completes); starts wait until it is at least zero, or
 * at least one for permits. Not thread-safe: the engine calls it under its lock.
 */
final class TokenBucket {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final double capacity;
    private final double perNano;
    private double level;
    private long lastNanos;

    /**
     * @param perMinute refill rate
     * @param capacity  the burst allowed after a quiet spell
     */
    TokenBucket(double perMinute, double capacity, long nowNanos) {
        this.capacity = capacity;
        this.perNano = perMinute / MINUTE_NANOS;
        this.level = capacity;
        this.lastNanos = nowNanos;
    }

    private void refill(long nowNanos) {
        if (nowNanos > lastNanos) {
            level = Math.min(capacity, level + (nowNanos - lastNanos) * perNano);
            lastNanos = nowNanos;
        }
    }

    /** Nanos until the level reaches {@code needed}; 0 if it already has. */
    long nanosUntil(double needed, long nowNanos) {
        refill(nowNanos);
        if (level >= needed) {
            return 0;
        }
        return (long) Math.ceil((needed - level) / perNano);
    }

    void take(double amount, long nowNanos) {
        refill(nowNanos);
        level -= amount;
    }

    double level(long nowNanos) {
        refill(nowNanos);
        return level;
    }
}
