package io.bedrockstream.engine;

import java.util.Set;

/**
 * How the engine runs requests.
 *
 * @param maxInFlight          most invocations running at once (the adaptive limit's ceiling)
 * @param retryMaxAttempts     the most attempts a request gets against transient (non-throttling) failures, the
 *                             first one included: once this many attempts failed with transient errors it fails
 *                             for good; throttled attempts and transient credentials failures
 *                             ({@code CredentialsError}: STS unreachable) do not count, the deadline bounds them
 * @param retryThrottlingMaxAttempts the most throttled attempts a request may have before it fails for good; 0 (the
 *                             default) = no count, throttling is retried until {@code retryDeadlineMs}
 * @param retryBackoffMs       the first retry's delay, and the floor of every delay
 * @param retryBackoffMaxMs    the ceiling of the exponential delay
 * @param retryDeadlineMs      no retry starts later than this after the request's first attempt started (time
 *                             spent queued before it does not count)
 * @param retryTransient       whether transient failures are retried at all (throttling always is)
 * @param retryableErrorTypes  transient error types to retry; null or empty = every transient type
 * @param perKeyOrdering       a request waits until the earlier one with the same ordering key (the record key,
 *                             {@link io.bedrockstream.request.ModelRequest#orderingKey()}) has its outcome; requests
 *                             without one never wait
 * @param requestsPerMinute    cap on invocation starts per minute, 0 = off
 * @param tokensPerMinute      Bedrock's tokens-per-minute quota to stay under, 0 = none given (then, with
 *                             {@link Quota#learn()}, a budget is learned from throttling: {@link QuotaLearner}): each attempt reserves its
 *                             estimated input plus its max tokens when it starts and settles to its reported
 *                             input + output × weight when it ends ({@link TokenBudget})
 * @param adaptiveConcurrency  halve the limit on throttling, grow it back on success (AIMD)
 * @param minInFlight          the adaptive limit's floor
 * @param invocationTimeoutMs  backstop for the SDK's apiCallTimeout: the engine cancels an invocation running
 *                             longer than this, 0 = off
 * @param coalesceMs           merge consecutive chunks of one invocation into one output event for up to this
 *                             long after the first of them arrived, 0 = off (one event per chunk)
 * @param coalesceMaxChars     with coalescing on, emit the merged event at once when its text reaches this many
 *                             characters, 0 = no limit
 * @param quota                how tokens are counted against {@code tokensPerMinute}
 */
public record EngineSettings(
        int maxInFlight,
        int retryMaxAttempts,
        int retryThrottlingMaxAttempts,
        long retryBackoffMs,
        long retryBackoffMaxMs,
        long retryDeadlineMs,
        boolean retryTransient,
        Set<String> retryableErrorTypes,
        boolean perKeyOrdering,
        int requestsPerMinute,
        long tokensPerMinute,
        boolean adaptiveConcurrency,
        int minInFlight,
        long invocationTimeoutMs,
        long coalesceMs,
        int coalesceMaxChars,
        Quota quota) {

    /**
     * @param outputWeights   quota tokens per output token, per model (Bedrock's burndown rate)
     * @param defaultMaxTokens the max tokens reserved for a request whose body sets none
     * @param windowMs        the quota's minute: 60000, as Bedrock's; tests against an emulator shorten both
     * @param reserveAtStart  true: reserve at start and settle at end, as Bedrock; false: only charge the usage
     *                        when a call ends and start nothing while the budget is overdrawn (the accounting
     *                        before reservations, kept for the benchmark's side-by-side figures)
     * @param learn           without {@code tokensPerMinute}: learn a budget from throttling ({@link QuotaLearner});
     *                        nothing is limited before the first throttle
     */
    public record Quota(
            OutputTokenWeights outputWeights,
            long defaultMaxTokens,
            long windowMs,
            boolean reserveAtStart,
            boolean learn) {
        public static final Quota DEFAULTS = new Quota(OutputTokenWeights.NONE, 4096, 60_000, true, true);

        public Quota(OutputTokenWeights outputWeights, long defaultMaxTokens, long windowMs, boolean reserveAtStart) {
            this(outputWeights, defaultMaxTokens, windowMs, reserveAtStart, true);
        }

        public Quota(OutputTokenWeights outputWeights, long defaultMaxTokens, long windowMs) {
            this(outputWeights, defaultMaxTokens, windowMs, true, true);
        }

        public Quota {
            outputWeights = outputWeights == null ? OutputTokenWeights.NONE : outputWeights;
            if (defaultMaxTokens < 0 || windowMs < 1) {
                throw new IllegalArgumentException("need defaultMaxTokens >= 0 and windowMs >= 1");
            }
        }
    }

    public EngineSettings {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        if (retryMaxAttempts < 1) {
            throw new IllegalArgumentException("retryMaxAttempts must be at least 1");
        }
        if (retryThrottlingMaxAttempts < 0) {
            throw new IllegalArgumentException("retryThrottlingMaxAttempts must be at least 0 (0 = no count)");
        }
        if (retryBackoffMs < 0 || retryBackoffMaxMs < retryBackoffMs) {
            throw new IllegalArgumentException("need 0 <= retryBackoffMs <= retryBackoffMaxMs");
        }
        minInFlight = Math.max(1, Math.min(minInFlight, maxInFlight));
        retryableErrorTypes = retryableErrorTypes == null ? Set.of() : Set.copyOf(retryableErrorTypes);
        quota = quota == null ? Quota.DEFAULTS : quota;
    }

    public static EngineSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether a transient failure of this type is retried. Types compare case-insensitively, because the
     * service's mid-stream codes are camelCase ({@code modelStreamErrorException}) and its HTTP codes PascalCase.
     */
    public boolean retriesTransient(String errorType) {
        if (!retryTransient) {
            return false;
        }
        if (retryableErrorTypes.isEmpty()) {
            return true;
        }
        for (String t : retryableErrorTypes) {
            if (t.equalsIgnoreCase(errorType)) {
                return true;
            }
        }
        return false;
    }

    public Builder toBuilder() {
        return new Builder()
                .maxInFlight(maxInFlight)
                .retryMaxAttempts(retryMaxAttempts)
                .retryThrottlingMaxAttempts(retryThrottlingMaxAttempts)
                .retryBackoffMs(retryBackoffMs)
                .retryBackoffMaxMs(retryBackoffMaxMs)
                .retryDeadlineMs(retryDeadlineMs)
                .retryTransient(retryTransient)
                .retryableErrorTypes(retryableErrorTypes)
                .perKeyOrdering(perKeyOrdering)
                .requestsPerMinute(requestsPerMinute)
                .tokensPerMinute(tokensPerMinute)
                .adaptiveConcurrency(adaptiveConcurrency)
                .minInFlight(minInFlight)
                .invocationTimeoutMs(invocationTimeoutMs)
                .coalesceMs(coalesceMs)
                .coalesceMaxChars(coalesceMaxChars)
                .quota(quota);
    }

    public boolean coalescing() {
        return coalesceMs > 0;
    }

    public static final class Builder {
        private int maxInFlight = 16;
        private int retryMaxAttempts = 5;
        private int retryThrottlingMaxAttempts;
        private long retryBackoffMs = 500;
        private long retryBackoffMaxMs = 30_000;
        private long retryDeadlineMs = 300_000;
        private boolean retryTransient = true;
        private Set<String> retryableErrorTypes = Set.of();
        private boolean perKeyOrdering;
        private int requestsPerMinute;
        private long tokensPerMinute;
        private boolean adaptiveConcurrency = true;
        private int minInFlight = 1;
        private long invocationTimeoutMs = 600_000;
        private long coalesceMs;
        private int coalesceMaxChars;
        private Quota quota = Quota.DEFAULTS;

        public Builder maxInFlight(int v) {
            maxInFlight = v;
            return this;
        }

        public Builder retryMaxAttempts(int v) {
            retryMaxAttempts = v;
            return this;
        }

        public Builder retryThrottlingMaxAttempts(int v) {
            retryThrottlingMaxAttempts = v;
            return this;
        }

        public Builder retryBackoffMs(long v) {
            retryBackoffMs = v;
            return this;
        }

        public Builder retryBackoffMaxMs(long v) {
            retryBackoffMaxMs = v;
            return this;
        }

        public Builder retryDeadlineMs(long v) {
            retryDeadlineMs = v;
            return this;
        }

        public Builder retryTransient(boolean v) {
            retryTransient = v;
            return this;
        }

        public Builder retryableErrorTypes(Set<String> v) {
            retryableErrorTypes = v;
            return this;
        }

        public Builder perKeyOrdering(boolean v) {
            perKeyOrdering = v;
            return this;
        }

        public Builder requestsPerMinute(int v) {
            requestsPerMinute = v;
            return this;
        }

        public Builder tokensPerMinute(long v) {
            tokensPerMinute = v;
            return this;
        }

        public Builder adaptiveConcurrency(boolean v) {
            adaptiveConcurrency = v;
            return this;
        }

        public Builder minInFlight(int v) {
            minInFlight = v;
            return this;
        }

        public Builder invocationTimeoutMs(long v) {
            invocationTimeoutMs = v;
            return this;
        }

        public Builder coalesceMs(long v) {
            coalesceMs = v;
            return this;
        }

        public Builder coalesceMaxChars(int v) {
            coalesceMaxChars = v;
            return this;
        }

        public Builder quota(Quota v) {
            quota = v;
            return this;
        }

        public EngineSettings build() {
            return new EngineSettings(
                    maxInFlight,
                    retryMaxAttempts,
                    retryThrottlingMaxAttempts,
                    retryBackoffMs,
                    retryBackoffMaxMs,
                    retryDeadlineMs,
                    retryTransient,
                    retryableErrorTypes,
                    perKeyOrdering,
                    requestsPerMinute,
                    tokensPerMinute,
                    adaptiveConcurrency,
                    minInFlight,
                    invocationTimeoutMs,
                    coalesceMs,
                    coalesceMaxChars,
                    quota);
        }
    }
}
