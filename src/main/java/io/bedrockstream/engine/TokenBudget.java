package io.bedrockstream.engine;

/**
 * The engine's copy of Bedrock's tokens-per-minute quota, kept the way Bedrock keeps it: a call reserves its
 * estimated input plus its max tokens when it starts, and settles to what it used (input + output × weight) when
 * it ends, which gives back the rest. The level refills continuously, {@code perWindow} per window, up to
 * {@code perWindow} less the reservations held (see {@link #refill}), and may go negative (a call whose weighted
 * output outgrew its reservation); a call starts only when its whole reservation fits. Not thread-safe: the engine calls it under its lock.
 */
final class TokenBudget {
    private double capacity;
    private double perNano;
    private double level;
    private long lastNanos;
    /** Reservations held by calls that have not ended, and how many calls hold one. */
    private long reserved;

    private int holders;
    private long reservedTotal;
    private long settledTotal;

    TokenBudget(long perWindow, long windowMs, long nowNanos) {
        this.capacity = perWindow;
        this.perNano = perWindow / (windowMs * 1_000_000.0);
        this.level = perWindow;
        this.lastNanos = nowNanos;
    }

    /**
     * Without a configured quota: unbounded (every reservation fits at once) until {@link #bound} gives it a
     * learned budget; it counts reservations and settlements all along.
     */
    static TokenBudget unbounded(long nowNanos) {
        TokenBudget b = new TokenBudget(0, 1, nowNanos);
        b.capacity = Double.POSITIVE_INFINITY;
        b.level = Double.POSITIVE_INFINITY;
        return b;
    }

    /**
     * A learned budget of {@code perWindow}: the refill becomes its rate and the level is capped under it; with
     * {@code throttled} the level drops to 0 at most too (Bedrock just refused a call: its level is about empty).
     */
    void bound(double perWindow, long windowMs, boolean throttled, long nowNanos) {
        refill(nowNanos);
        capacity = perWindow;
        perNano = perWindow / (windowMs * 1_000_000.0);
        if (throttled) {
            level = Math.min(level, 0);
        }
        level = Math.min(level, capacity - reserved);
    }

    long capacity() {
        return (long) capacity;
    }

    /**
     * Refills up to the capacity less what running calls hold. Bedrock caps its level at the capacity alone, but
     * it sees a reservation later than the engine takes it (the request is on its way) and while its level sits
     * at the cap it wastes the refill of that time; capping ours lower keeps our level at or under Bedrock's
     * whatever the delay. At saturation the level stays far under either cap, so this costs no throughput.
     */
    private void refill(long nowNanos) {
        if (nowNanos > lastNanos) {
            double cap = capacity - reserved;
            if (level < cap) {
                level = Math.min(cap, level + (nowNanos - lastNanos) * perNano);
            }
            lastNanos = nowNanos;
        }
    }

    /**
     * Nanos until a reservation of {@code tokens} fits; 0 if it does now. One larger than the whole budget (its
     * input estimate may be high) fits alone: when no call holds a reservation and the budget is full.
     */
    long nanosUntilFits(long tokens, long nowNanos) {
        refill(nowNanos);
        if (tokens > capacity) {
            if (holders > 0) {
                return Math.max(1, (long) Math.ceil(capacity / perNano)); // a settle asks for a pump sooner
            }
            return level >= capacity ? 0 : (long) Math.ceil((capacity - level) / perNano);
        }
        if (level >= tokens) {
            return 0;
        }
        if (tokens > capacity - reserved) {
            // the level never refills past capacity - reserved: only a settle makes room, and a settle asks for a
            // pump; wait a window at most (not one token's refill time, a timer that would re-arm itself)
            return Math.max(1, (long) Math.ceil(capacity / perNano));
        }
        return Math.max(1, (long) Math.ceil((tokens - level) / perNano));
    }

    void reserve(long tokens, long nowNanos) {
        refill(nowNanos);
        level -= tokens;
        reserved += tokens;
        holders++;
        reservedTotal += tokens;
    }

    /** A call that reserved {@code reservation} ended having used {@code used}: the difference goes back. */
    void settle(long reservation, long used, long nowNanos) {
        refill(nowNanos);
        reserved -= reservation;
        level = Math.min(capacity - reserved, level + reservation - used);
        holders--;
        settledTotal += used;
    }

    /** Tokens reserved by calls running now. */
    long reserved() {
        return reserved;
    }

    /** Calls holding a reservation now. */
    int holders() {
        return holders;
    }

    long reservedTotal() {
        return reservedTotal;
    }

    long settledTotal() {
        return settledTotal;
    }

    double level(long nowNanos) {
        refill(nowNanos);
        return level;
    }
}
