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
    final TemporaryCredentials temporaryCredentials = new TemporaryCredentials(Clock.systemUTC());
    private volatile EmulatorOptions options;
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

    void logCall(String modelId, String id, Attempt attempt, long elapsedMs) {
        EmulatorOptions o = options;
        if (!o.logCalls()) {
            return;
        }
        String line = String.format("call model=%s id=%s attempt=%d outcome=%s chunks=%d ms=%d",
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
