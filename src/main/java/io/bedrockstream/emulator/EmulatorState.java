package io.bedrockstream.emulator;

import java.time.Clock;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the request handlers share: current settings, the call recorder and the call log. */
final class EmulatorState {

    private static final Logger LOG = LoggerFactory.getLogger(BedrockEmulator.class);

    final CallRecorder recorder = new CallRecorder();
    private final TokenQuota tokenQuota = new TokenQuota();
    final TemporaryCredentials temporaryCredentials = new TemporaryCredentials(Clock.systemUTC());
    final ApiKeyAuth apiKeyAuth = new ApiKeyAuth();
    private volatile EmulatorOptions options;
    volatile CallObserver observer = CallObserver.NONE;
    private Random throttleRandom;

    EmulatorState(EmulatorOptions options) {
        this.options = options;
        this.throttleRandom = new Random(options.seed());
    }

    EmulatorOptions options() {
        return options;
    }

    synchronized void update(UnaryOperator<EmulatorOptions> change) {
        EmulatorOptions before = options;
        options = change.apply(before);
        if (options.seed() != before.seed()) {
            throttleRandom = new Random(options.seed());
        }
    }

    /** Draws from the seeded sequence so a run with the same seed throttles the same calls. */
    synchronized boolean randomlyThrottled() {
        double fraction = options.throttleFraction();
        return fraction > 0 && throttleRandom.nextDouble() < fraction;
    }

    synchronized void resetRandom() {
        throttleRandom = new Random(options.seed());
    }

    /** Clears the stats and the throttle draws, and fills the tokens-per-minute quota. */
    void reset() {
        recorder.reset();
        apiKeyAuth.reset();
        resetRandom();
        tokenQuota.reset();
    }

    /**
     * Reserves input plus max tokens against the tokens-per-minute quota (a no-op reservation when there is
     * none); null, counted in the stats, when they do not fit.
     */
    TokenQuota.Reservation reserveTokens(String modelId, long inputTokens, long maxOutputTokens) {
        TokenQuota.Reservation r =
                tokenQuota.reserve(options, modelId, inputTokens, maxOutputTokens, System.nanoTime());
        if (r == null) {
            recorder.tokenQuotaThrottled();
        }
        return r;
    }

    void logCall(String modelId, String id, Attempt attempt, long elapsedMs) {
        EmulatorOptions o = options;
        if (!o.logCalls()) {
            return;
        }
        String line = String.format(
                "call model=%s id=%s attempt=%d outcome=%s chunks=%d ms=%d",
                modelId, id, attempt.attempt(), attempt.outcome(), attempt.chunks(), elapsedMs);
        if (o.logToStdout()) {
            System.out.println(line);
        } else {
            LOG.info(line);
        }
    }

    void logSts(String action, String outcome) {
        EmulatorOptions o = options;
        if (!o.logCalls()) {
            return;
        }
        String line = "sts action=" + action + " outcome=" + outcome;
        if (o.logToStdout()) {
            System.out.println(line);
        } else {
            LOG.info(line);
        }
    }

    void finish(String id, Attempt attempt, long startNanos) {
        recorder.record(id, attempt);
        logCall(attempt.modelId(), id, attempt, (System.nanoTime() - startNanos) / 1_000_000);
    }
}
