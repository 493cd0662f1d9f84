package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.engine.ScriptedInvoker.Script;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A throttle that arrives mid-stream (Bedrock's throttlingException stream event) comes after Bedrock reserved and
 * generated: the attempt settles to its input estimate plus what it generated, whether its chunks were already
 * emitted or still held by coalescing (output.chunk.coalesce.ms). Only a throttle before any chunk used nothing.
 */
class TokenQuotaCoalescedSettleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RecordingEngineListener out = new RecordingEngineListener();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private StreamEngine engine;
    private ScriptedInvoker invoker;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        if (invoker != null) {
            invoker.close();
        }
        scheduler.shutdownNow();
        assertThat(out.violations()).isEmpty();
    }

    private long settledAfterAMidStreamThrottle(long coalesceMs) throws Exception {
        // "abcdefgh" generated before the throttle: 2 tokens; input estimate 40
        invoker = new ScriptedInvoker(
                (r, a) -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"), "abcd", "efgh"));
        engine = new StreamEngine(
                EngineSettings.builder()
                        .retryThrottlingMaxAttempts(1)
                        .tokensPerMinute(10_000)
                        .coalesceMs(coalesceMs)
                        .quota(new EngineSettings.Quota(OutputTokenWeights.NONE, 4096, 60_000))
                        .build(),
                invoker,
                out,
                scheduler,
                clock::get,
                new Random(7));
        engine.submit(TokenQuotaAdmissionTest.request("a", 1000));
        out.awaitOutcomes(1, WAIT);
        StreamEngineTest.awaitTrue(() -> engine.running() == 0);
        assertThat(out.outcome("a").completed()).isFalse();
        assertThat(engine.tokensReserved()).isZero();
        return engine.tokensSettledTotal();
    }

    @Test
    void uncoalescedAMidStreamThrottleSettlesToWhatWasUsed() throws Exception {
        assertThat(settledAfterAMidStreamThrottle(0)).isEqualTo(40 + 2);
    }

    @Test
    void coalescedAMidStreamThrottleSettlesToWhatWasUsedToo() throws Exception {
        assertThat(settledAfterAMidStreamThrottle(60_000)).isEqualTo(40 + 2);
    }
}
