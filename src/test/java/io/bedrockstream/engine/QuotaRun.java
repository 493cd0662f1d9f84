package io.bedrockstream.engine;

import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.request.ModelRequest;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * The engine with the real SDK against the emulator enforcing a tokens-per-minute quota the way Bedrock does
 * (input + max tokens reserved at a call's start, settled at its end), with a backlog that never runs dry: how many
 * attempts are throttled, and how much of the quota the completed calls use, once warmed up.
 *
 * <p>The quota's minute is shortened to {@code windowMs}; the engine's time-based defaults (retry backoff and
 * deadline) shrink by the same factor, so the run is the default engine against a Bedrock quota, faster.
 */
public final class QuotaRun {

    /** How the engine counts tokens. */
    public enum Mode {
        /** {@code rate.tokens.per.minute} = the quota: reserve at start, settle at end. */
        RESERVE,
        /** {@code rate.tokens.per.minute} = the quota, counted after the fact (the accounting before reservations). */
        AFTER_THE_FACT,
        /** {@code rate.tokens.per.minute} unset (the default): the budget learned from throttling. */
        UNSET,
        /** {@code rate.tokens.per.minute} unset, {@code rate.tokens.learn=false}: the adaptive concurrency limit alone. */
        UNSET_NO_LEARNING
    }

    /**
     * @param attempts     attempts that ended in the measured windows
     * @param throttled    of them, throttled
     * @param usedPct      tokens the calls completed in the measured windows used, over the quota's refill in those
     *                     windows: above 100 by what was left of the quota when measuring began (at most
     *                     100 / measured windows)
     * @param backlogLeft  requests still waiting at the end (0 would mean the backlog ran dry and usedPct is low)
     */
    public record Figures(
            Mode mode, long attempts, long throttled, double throttledPct, double usedPct, long backlogLeft) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s: %d attempts, %d throttled (%.2f%%), quota used %.1f%%, " + "backlog left %d",
                    mode,
                    attempts,
                    throttled,
                    throttledPct,
                    usedPct,
                    backlogLeft);
        }
    }

    private QuotaRun() {}

    /**
     * Runs {@code windows} quota windows of {@code windowMs} each and measures all but the first two (warm-up: the
     * quota starts full, and that surplus is spent by the end of the second window).
     * Requests: Claude 3 Haiku, max_tokens 256, 20–100 words generated 10 per chunk, 100 ms to the first chunk and
     * 15 ms between chunks (about 0.15–0.25 s a call unloaded).
     */
    public static Figures run(
            BedrockEmulator emulator,
            BedrockRuntimeAsyncClient client,
            Mode mode,
            long quota,
            long windowMs,
            int windows)
            throws InterruptedException {
        return run(emulator, client, mode, quota, windowMs, windows, null, OutputTokenWeights.NONE);
    }

    /**
     * As {@link #run(BedrockEmulator, BedrockRuntimeAsyncClient, Mode, long, long, int)}, calling {@code modelId}
     * (null: Claude 3 Haiku) with the engine's output weights {@code weights}.
     */
    public static Figures run(
            BedrockEmulator emulator,
            BedrockRuntimeAsyncClient client,
            Mode mode,
            long quota,
            long windowMs,
            int windows,
            String modelId,
            OutputTokenWeights weights)
            throws InterruptedException {
        emulator.setTokensPerMinute(quota, windowMs);
        emulator.setLatency(100, 15);
        emulator.reset();
        long scale = 60_000 / windowMs;
        EngineSettings defaults = EngineSettings.defaults();
        EngineSettings.Builder settings = defaults.toBuilder()
                .retryBackoffMs(defaults.retryBackoffMs() / scale)
                .retryBackoffMaxMs(defaults.retryBackoffMaxMs() / scale)
                .retryDeadlineMs(defaults.retryDeadlineMs() / scale);
        if (mode != Mode.UNSET && mode != Mode.UNSET_NO_LEARNING) {
            settings.tokensPerMinute(quota)
                    .quota(new EngineSettings.Quota(
                            weights, defaults.quota().defaultMaxTokens(), windowMs, mode == Mode.RESERVE));
        } else {
            // no quota given; the quota's minute is a time-based default, shrunk like the others
            settings.quota(new EngineSettings.Quota(
                    weights,
                    defaults.quota().defaultMaxTokens(),
                    windowMs,
                    defaults.quota().reserveAtStart(),
                    mode == Mode.UNSET));
        }
        long start = System.nanoTime();
        // the quota starts full: its first window's surplus is spent by the end of the second
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(2 * windowMs);
        long measureTo = start + TimeUnit.MILLISECONDS.toNanos(windowMs * windows);
        AtomicLong attempts = new AtomicLong();
        AtomicLong throttled = new AtomicLong();
        AtomicLong used = new AtomicLong();
        EngineListener listener = new EngineListener() {
            @Override
            public void onEvent(OutputEvent e) {
                long now = System.nanoTime();
                if (now < measureFrom || now >= measureTo) {
                    return;
                }
                if (e.event() == EventType.COMPLETE) {
                    attempts.incrementAndGet();
                    used.addAndGet(e.inputTokens() + e.outputTokens());
                } else if (e.event() == EventType.ERROR) {
                    attempts.incrementAndGet();
                    if ("ThrottlingException".equals(e.errorType())) {
                        throttled.incrementAndGet();
                    }
                }
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {}
        };
        // about 7 input + 60 output tokens a call: enough requests to keep a backlog through every window
        int requests = (int) (quota / 60 * (windows + 2));
        Random random = new Random(42);
        try (StreamEngine engine = new StreamEngine(
                settings.build(), new StreamingInvoker(client, ChunkParsers::forFamily, false), listener)) {
            for (int i = 0; i < requests; i++) {
                int words = 20 + random.nextInt(81);
                ModelRequest r = EmulatorFixtures.anthropic("q-" + i, "words=" + words + " per_chunk=10", i);
                if (modelId != null) {
                    r = new ModelRequest(
                            r.requestId(),
                            modelId,
                            r.family(),
                            r.body(),
                            r.contentType(),
                            r.accept(),
                            r.guardrailIdentifier(),
                            r.guardrailVersion(),
                            r.trace(),
                            r.performanceConfigLatency(),
                            r.sourceTopic(),
                            r.sourcePartition(),
                            r.sourceOffset());
                }
                engine.submit(r);
            }
            while (System.nanoTime() < measureTo) {
                TimeUnit.MILLISECONDS.sleep(500);
                if (Boolean.getBoolean("quota.debug")) {
                    System.out.printf(
                            "t %.1f running %d reservations %d reserved %d level %.0f limit %d"
                                    + " settled %d emulator throttles %d streams %d%n",
                            (System.nanoTime() - start) / 1e9,
                            engine.running(),
                            engine.tokenReservations(),
                            engine.tokensReserved(),
                            engine.tokenBudgetLevel(),
                            engine.effectiveLimit(),
                            engine.tokensSettledTotal(),
                            emulator.stats().tokenQuotaThrottles(),
                            emulator.stats().currentConcurrency());
                }
            }
            long left = engine.pending();
            long n = attempts.get();
            double throttledPct = n == 0 ? 0 : 100.0 * throttled.get() / n;
            double usedPct = 100.0 * used.get() / ((double) quota * (windows - 2));
            return new Figures(mode, n, throttled.get(), throttledPct, usedPct, left);
        }
    }
}
