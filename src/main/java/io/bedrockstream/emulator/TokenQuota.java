package io.bedrockstream.emulator;

/**
 * Bedrock's tokens-per-minute quota: a call reserves its input tokens plus its max tokens when it starts and
 * gives back the part it did not generate when it ends. The level refills continuously ({@code tokensPerMinute}
 * per {@code quotaWindowMs}) up to {@code tokensPerMinute}; a change of the quota starts it full.
 */
final class TokenQuota {

    /** What one call holds; {@link #end(long)} gives back the unused part, once. */
    static final class Reservation {
        static final Reservation NONE = new Reservation(null, 0);

        private final TokenQuota quota;
        private final long maxOutput;
        private boolean ended;

        private Reservation(TokenQuota quota, long maxOutput) {
            this.quota = quota;
            this.maxOutput = maxOutput;
        }

        /** The call generated {@code outputTokens}; the rest of its max tokens go back to the quota. */
        void end(long outputTokens) {
            synchronized (this) {
                if (ended || quota == null) {
                    return;
                }
                ended = true;
            }
            quota.giveBack(Math.max(0, maxOutput - outputTokens));
        }
    }

    private long perWindow;
    private long windowNanos;
    private double level;
    private long lastNanos;

    /** A reservation, or null when the tokens do not fit (the caller answers 429). */
    synchronized Reservation reserve(EmulatorOptions options, long inputTokens, long maxOutput, long nowNanos) {
        long quota = options.tokensPerMinute();
        if (quota <= 0) {
            return Reservation.NONE;
        }
        if (quota != perWindow) {
            perWindow = quota;
            level = quota;
            lastNanos = nowNanos;
        }
        windowNanos = options.quotaWindowMs() * 1_000_000L;
        refill(nowNanos);
        long needed = inputTokens + maxOutput;
        if (level < needed) {
            return null;
        }
        level -= needed;
        return new Reservation(this, maxOutput);
    }

    private synchronized void giveBack(long tokens) {
        if (perWindow <= 0) {
            return;
        }
        refill(System.nanoTime());
        level = Math.min(perWindow, level + tokens);
    }

    /** Full again, as after a quiet minute. */
    synchronized void reset() {
        level = perWindow;
        lastNanos = System.nanoTime();
    }

    private void refill(long nowNanos) {
        if (nowNanos > lastNanos && windowNanos > 0) {
            level = Math.min(perWindow, level + (double) (nowNanos - lastNanos) * perWindow / windowNanos);
            lastNanos = nowNanos;
        }
    }
}
