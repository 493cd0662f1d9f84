package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.engine.ScriptedInvoker.Script;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import io.bedrockstream.request.TokenEstimator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Quota-aware admission: reserve input (estimated) + max tokens at an attempt's start, settle to input + output ×
 * weight at its end, never leak a reservation. The clock stands still (refill is off) unless a test moves it.
 */
class TokenQuotaAdmissionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

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

    private static EngineSettings.Builder quota(long tpm, String weights) {
        return EngineSettings.builder()
                .retryBackoffMs(1)
                .retryBackoffMaxMs(5)
                .tokensPerMinute(tpm)
                .quota(new EngineSettings.Quota(OutputTokenWeights.parse(weights), 4096, 60_000));
    }

    private void start(EngineSettings settings, BiFunction<ModelRequest, Integer, Script> scripts) {
        invoker = new ScriptedInvoker(scripts);
        engine = new StreamEngine(settings, invoker, out, scheduler, clock::get, new Random(7));
    }

    /** An outcome goes to the listener just before its attempt gives its slot (and reservation) back. */
    private void awaitSlotsBack() throws Exception {
        awaitRunning(0);
    }

    private void awaitRunning(int n) throws Exception {
        StreamEngineTest.awaitTrue(() -> engine.running() == n);
    }

    private void settle() throws Exception {
        scheduler.submit(() -> {}).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An Anthropic body of exactly 160 ASCII bytes (40 tokens estimated) with the given max_tokens. */
    static ModelRequest request(String id, int maxTokens) {
        String head = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        String body = head + "x".repeat(160 - head.length() - tail.length()) + tail;
        return new ModelRequest(
                id,
                HAIKU,
                ModelFamily.ANTHROPIC,
                body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                0,
                0);
    }

    private static InvocationResult usage(long in, long out) {
        return new InvocationResult("end_turn", in, out, 1L, 2L, 0);
    }

    @Test
    void theBodyUsedHereEstimatesFortyInputTokens() {
        assertThat(request("a", 1000).body()).hasSize(160);
        assertThat(TokenEstimator.inputTokens(request("a", 1000).body())).isEqualTo(40);
    }

    @Test
    void anAttemptReservesInputPlusMaxTokensAndSettlesToTheReportedUsage() throws Exception {
        start(quota(10_000, "").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        settle();
        assertThat(engine.tokensReserved()).isEqualTo(1040);
        assertThat(engine.tokenReservations()).isEqualTo(1);

        invoker.calls().get(0).listener.onComplete(usage(20, 30));
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokenReservations()).isZero();
        assertThat(engine.tokensReservedTotal()).isEqualTo(1040);
        assertThat(engine.tokensSettledTotal()).isEqualTo(50);
    }

    @Test
    void aRequestWaitsUntilItsReservationFitsAndStartsWhenAnEarlierOneSettles() throws Exception {
        start(quota(2_500, "").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        engine.submit(request("b", 1000));
        engine.submit(request("c", 1000));
        settle();
        // 2 × 1040 reserved, 420 left: "c" waits
        assertThat(invoker.calls()).extracting(c -> c.request.requestId()).containsExactly("a", "b");
        assertThat(engine.tokensReserved()).isEqualTo(2080);

        // gives back 1040 - 420 = 620: 1040 left, just enough
        invoker.calls().get(0).listener.onComplete(usage(20, 400));
        out.awaitOutcomes(1, WAIT);
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 3);
        settle();
        assertThat(invoker.calls()).extracting(c -> c.request.requestId()).containsExactly("a", "b", "c");
        assertThat(engine.tokensReserved()).isEqualTo(2080);

        invoker.calls().get(1).listener.onComplete(usage(20, 400));
        invoker.calls().get(2).listener.onComplete(usage(20, 400));
        out.awaitOutcomes(3, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokenReservations()).isZero();
        assertThat(engine.tokensSettledTotal()).isEqualTo(3 * 420);
    }

    @Test
    void theQuotaRefillsOverItsMinute() throws Exception {
        start(quota(1_200, "").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        engine.submit(request("b", 1000));
        settle();
        invoker.calls().get(0).listener.onComplete(usage(40, 1000)); // used all it reserved: 160 left
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        settle();
        assertThat(invoker.calls()).hasSize(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(40)); // +800: 960, still short of 1040
        engine.requestPump();
        settle();
        assertThat(invoker.calls()).hasSize(1);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5)); // +100: 1060
        engine.requestPump();
        settle();
        assertThat(invoker.calls()).hasSize(2);
    }

    @Test
    void theBudgetNeverRefillsIntoRoomThatRunningCallsHold() throws Exception {
        // Bedrock sees a reservation later than the engine takes it and, full meanwhile, wastes that refill: the
        // engine must not count it, or it would think it has room Bedrock has not
        start(quota(1_200, "").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        engine.submit(request("b", 1000));
        settle();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(120)); // two minutes: the level stays at 1200 - 1040
        engine.requestPump();
        settle();
        assertThat(invoker.calls()).hasSize(1);
        assertThat(engine.tokenBudgetLevel()).isEqualTo(160);

        invoker.calls().get(0).listener.onComplete(usage(40, 0)); // 160 + 1000 back: 1160 fits "b"
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 2);
        assertThat(engine.tokensReserved()).isEqualTo(1040);
    }

    @Test
    void outputTokensWeighTheirModelsWeight() throws Exception {
        start(quota(100_000, "anthropic.claude-3-haiku*:5").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        settle();
        invoker.calls().get(0).listener.onComplete(usage(20, 30));
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensSettledTotal()).isEqualTo(20 + 5 * 30);
        assertThat(engine.tokensReserved()).isZero();
    }

    @Test
    void aThrottledAttemptGivesItsWholeReservationBackAndTheRetryReservesAgain() throws Exception {
        start(
                quota(10_000, "").build(),
                (r, a) -> a == 1 ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException")) : null);
        engine.submit(request("a", 1000));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (invoker.calls().size() < 2 && System.nanoTime() < deadline) {
            clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10)); // the backoff timer is real; refill is nil here
            Thread.sleep(5);
        }
        settle();
        assertThat(invoker.calls()).hasSize(2);
        assertThat(engine.tokensReservedTotal()).isEqualTo(2 * 1040);
        assertThat(engine.tokensSettledTotal()).isZero(); // Bedrock reserved nothing for the throttled call
        assertThat(engine.tokensReserved()).isEqualTo(1040);

        invoker.calls().get(1).listener.onComplete(usage(20, 30));
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokenReservations()).isZero();
        assertThat(engine.tokensSettledTotal()).isEqualTo(50);
    }

    @Test
    void aFailureAfterChunksSettlesToTheInputEstimatePlusWhatWasGenerated() throws Exception {
        // "abcdefgh" generated before the failure: 2 tokens; weight 3 → 6; input estimate 40
        start(
                quota(10_000, "*haiku*:3").retryMaxAttempts(1).build(),
                (r, a) -> Script.fail(failure(ErrorKind.TRANSIENT, "modelStreamErrorException"), "abcd", "efgh"));
        engine.submit(request("a", 1000));
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        assertThat(out.outcome("a").completed()).isFalse();
        assertThat(engine.tokensSettledTotal()).isEqualTo(40 + 6);
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokenReservations()).isZero();
    }

    @Test
    void abandonedRequestsLeaveNoReservationBehind() throws Exception {
        start(quota(2_100, "").build(), (r, a) -> null);
        engine.submit(request("a", 1000));
        engine.submit(request("b", 1000));
        engine.submit(request("c", 1000)); // queued: does not fit
        settle();
        assertThat(engine.tokenReservations()).isEqualTo(2);
        invoker.calls().get(0).listener.onChunk(0, "{}", ScriptedInvoker.chunk("abcd", false));

        assertThat(engine.abandon(r -> true)).isEqualTo(3);
        settle();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokenReservations()).isZero();
        assertThat(invoker.calls()).hasSize(2);
        // each cancelled call used its input estimate, and "a" one generated token
        assertThat(engine.tokensSettledTotal()).isEqualTo(40 + 1 + 40);
    }

    @Test
    void aRequestWhoseMaxTokensExceedTheWholeQuotaFailsAtOnceWithoutACall() throws Exception {
        start(quota(1_000, "").build(), (r, a) -> Script.complete("x"));
        engine.submit(request("big", 1001));
        engine.submit(request("small", 500));
        out.awaitOutcomes(2, WAIT);
        awaitSlotsBack();

        RequestOutcome big = out.outcome("big");
        assertThat(big.completed()).isFalse();
        assertThat(big.failure().kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(big.failure().errorType()).isEqualTo("ExceedsTokenQuota");
        assertThat(big.failure().message())
                .isEqualTo("the request's max tokens (1001) exceed "
                        + "rate.tokens.per.minute (1000): Bedrock reserves input plus max tokens when a call starts, so it "
                        + "could never start; lower its max tokens or raise the quota");
        assertThat(out.outcome("small").completed()).isTrue();
        assertThat(invoker.calls()).extracting(c -> c.request.requestId()).containsExactly("small");
        assertThat(engine.tokensReserved()).isZero();
    }

    @Test
    void aRequestOverTheQuotaOnlyByItsInputEstimateStartsAloneOnAFullBudget() throws Exception {
        start(quota(1_010, "").build(), (r, a) -> null);
        engine.submit(request("first", 100));
        engine.submit(request("alone", 1000)); // 1040 > 1010, but its max tokens fit
        settle();
        assertThat(invoker.calls()).hasSize(1);
        invoker.calls().get(0).listener.onComplete(usage(5, 5)); // budget back to 1000 of 1010
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        settle();
        assertThat(invoker.calls()).hasSize(1); // not full yet
        clock.addAndGet(TimeUnit.SECONDS.toNanos(1)); // +16.8: full
        engine.requestPump();
        settle();
        assertThat(invoker.calls()).extracting(c -> c.request.requestId()).containsExactly("first", "alone");
        assertThat(engine.tokensReserved()).isEqualTo(1040);
        invoker.calls().get(1).listener.onComplete(usage(5, 5));
        out.awaitOutcomes(2, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensReserved()).isZero();
    }

    @Test
    void withoutATokenQuotaNorLearningNothingIsReserved() throws Exception {
        // at defaults the engine counts (QuotaLearningEngineTest): it learns a budget from the first throttle
        start(
                EngineSettings.builder()
                        .quota(new EngineSettings.Quota(OutputTokenWeights.NONE, 4096, 60_000, true, false))
                        .build(),
                (r, a) -> Script.complete("x"));
        engine.submit(request("a", 1000));
        out.awaitOutcomes(1, WAIT);
        awaitSlotsBack();
        assertThat(engine.tokensReservedTotal()).isZero();
        assertThat(engine.tokensSettledTotal()).isZero();
    }
}
