package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static io.bedrockstream.engine.TokenQuotaAdmissionTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationResult;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine without a configured tokens-per-minute quota: it limits nothing until Bedrock throttles, then learns
 * a budget from that throttle (QuotaLearner) and admits by it. The clock stands still unless a test moves it.
 */
class QuotaLearningEngineTest {
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

    private void start(EngineSettings settings) {
        invoker = new ScriptedInvoker((r, a) -> null);
        engine = new StreamEngine(settings, invoker, out, scheduler, clock::get, new Random(7));
    }

    private void settle() throws Exception {
        scheduler.submit(() -> {}).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static InvocationResult usage(long in, long out) {
        return new InvocationResult("end_turn", in, out, 1L, 2L, 0);
    }

    private static final InvocationFailure TOO_MANY_TOKENS = new InvocationFailure(
            ErrorKind.THROTTLING,
            "ThrottlingException",
            "Too many tokens, please wait before trying again.",
            429,
            null,
            null,
            0);

    private static EngineSettings defaults() {
        return EngineSettings.builder().retryBackoffMs(1).retryBackoffMaxMs(5).build();
    }

    @Test
    void anAccountNeverThrottledSeesNoLimitAtAll() throws Exception {
        start(defaults());
        for (int i = 0; i < 20; i++) {
            engine.submit(request("r" + i, 100_000)); // 100,040 reserved each: 2 million in all
        }
        settle();
        assertThat(invoker.calls()).hasSize(16); // max in flight, as without learning
        assertThat(engine.tokensReserved()).isEqualTo(16 * 100_040L);
        // a transient failure teaches nothing
        invoker.calls().get(0).listener.onFailure(failure(ErrorKind.TRANSIENT, "ModelStreamErrorException"));
        for (int i = 1; i < 16; i++) {
            invoker.calls().get(i).listener.onComplete(usage(40, 5_000));
        }
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 21); // r16-r19 and r0's retry
        for (int i = 16; i < 21; i++) {
            invoker.calls().get(i).listener.onComplete(usage(40, 5_000));
        }
        out.awaitOutcomes(20, WAIT);
        StreamEngineTest.awaitTrue(() -> engine.running() == 0);
        assertThat(engine.learnedTokenBudget()).isZero();
        assertThat(engine.effectiveLimit()).isEqualTo(16);
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokensSettledTotal()).isEqualTo(20 * 5_040L + 40); // r0's failed attempt: its input
    }

    @Test
    void theFirstThrottleSetsTheBudgetAndAdmissionFollowsIt() throws Exception {
        start(defaults());
        for (String id : new String[] {"a", "b", "c", "d", "e", "f"}) {
            engine.submit(request(id, 100)); // 140 reserved each
        }
        settle();
        assertThat(invoker.calls()).hasSize(6);
        for (int i = 0; i < 4; i++) {
            invoker.calls().get(i).listener.onComplete(usage(40, 460)); // 2,000 settled
        }
        out.awaitOutcomes(4, WAIT);
        StreamEngineTest.awaitTrue(() -> engine.running() == 2);
        invoker.calls().get(5).listener.onFailure(TOO_MANY_TOKENS);
        // 0.9 × (2,000 settled in the window + 140 held by "e")
        StreamEngineTest.awaitTrue(() -> engine.learnedTokenBudget() == 1926);
        StreamEngineTest.awaitTrue(() -> engine.inFlight() == 1); // f's backoff (real, 1-5 ms) is over
        settle();
        // the level starts at 0 and refills at 1,926 a minute: f's 140 need 4.36 s
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(4_300));
        engine.submit(request("g", 100));
        settle();
        assertThat(invoker.calls()).hasSize(6);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        engine.submit(request("h", 100));
        settle();
        assertThat(invoker.calls()).hasSize(7);
        assertThat(invoker.calls().get(6).request.requestId()).isEqualTo("f");

        // "e" was admitted before the budget was set: its throttle cuts nothing; its 140 come back and the head of
        // the queue ("g") takes them at once (a backoff's settle pumps) while e backs off
        invoker.calls().get(4).listener.onFailure(TOO_MANY_TOKENS);
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 8);
        assertThat(invoker.calls().get(7).request.requestId()).isEqualTo("g");
        assertThat(engine.learnedTokenBudget()).isEqualTo(1926);
        // f's retry was admitted under it: its throttle cuts it
        invoker.calls().get(6).listener.onFailure(TOO_MANY_TOKENS);
        StreamEngineTest.awaitTrue(() -> engine.learnedTokenBudget() == (long) (1926 * 0.85));
        assertThat(engine.tokensReserved()).isEqualTo(140); // g's
    }

    @Test
    void aThrottleThatIsNotAboutTokensTeachesNothing() throws Exception {
        start(defaults());
        engine.submit(request("a", 100));
        engine.submit(request("b", 100));
        settle();
        invoker.calls().get(0).listener.onComplete(usage(40, 460));
        invoker.calls()
                .get(1)
                .listener
                .onFailure(new InvocationFailure(
                        ErrorKind.THROTTLING,
                        "ThrottlingException",
                        "Too many requests, please wait before trying again.",
                        429,
                        null,
                        null,
                        0));
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 3); // the retry starts at once
        assertThat(engine.learnedTokenBudget()).isZero();
        assertThat(engine.tokensReserved()).isEqualTo(140);
    }

    @Test
    void learningOffLeavesTheAdaptiveLimitAlone() throws Exception {
        start(defaults().toBuilder()
                .quota(new EngineSettings.Quota(OutputTokenWeights.NONE, 4096, 60_000, true, false))
                .build());
        engine.submit(request("a", 100));
        engine.submit(request("b", 100));
        settle();
        invoker.calls().get(0).listener.onComplete(usage(40, 460));
        invoker.calls().get(1).listener.onFailure(TOO_MANY_TOKENS);
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 3); // the retry starts at once
        assertThat(engine.learnedTokenBudget()).isZero();
        assertThat(engine.tokensReserved()).isZero(); // nothing is counted
    }
}
