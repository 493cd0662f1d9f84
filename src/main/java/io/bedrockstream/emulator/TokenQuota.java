package io.bedrockstream.emulator;

/**
 * Bedrock's tokens-per-minute quota: a call reserves its input tokens plus its max tokens when it starts and
 * settles to input + output × the model's burndown weight when it ends (giving back the rest, or taking more when
 * the weighted output outgrew the max tokens: the level may go negative). The level refills continuously
 * ({@code tokensPerMinute} per {@code quotaWindowMs}) up to {@code tokensPerMinute}; a change of the quota starts
 * it full.
 */
final class TokenQuota {

    /** What one call holds; {@link #end(long)} gives back the unused part, once. */
    static final class Reservation {
        static final Reservation NONE = new Reservation(null, 0, 1);

        private final TokenQuota quota;
        private final long maxOutput;
        private final double outputWeight;
        private boolean ended;

        private Reservation(TokenQuota quota, long maxOutput, double outputWeight) {
            this.quota = quota;
            this.maxOutput = maxOutput;
            this.outputWeight = outputWeight;
        }

        /** The call generated {@code outputTokens}, at their weight each; the rest of its max tokens go back. */
        void end(long outputTokens) {
            synchronized (this) {
                if (ended || quota == null) {
                    return;
                }
                ended = true;
            }
            quota.giveBack(maxOutput - (long) Math.ceil(outputTokens * outputWeight));
        }
    }

    private long perWindow;
    private String weightsSpec = "";
    private BurndownWeights weights = BurndownWeights.parse("");
    private long windowNanos;
    private double level;
    private long lastNanos;

    /** A reservation, or null when the tokens do not fit (the caller answers 429). */
    synchronized Reservation reserve(
            EmulatorOptions options, String modelId, long inputTokens, long maxOutput, long nowNanos) {
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
        if (!options.quotaOutputWeights().equals(weightsSpec)) {
            weightsSpec = options.quotaOutputWeights();
            weights = BurndownWeights.parse(weightsSpec);
        }
        return new Reservation(this, maxOutput, weights.weight(modelId));
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
