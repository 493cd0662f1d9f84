package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorClassifier;
import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.engine.ScriptedInvoker.Script;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RecordingEngineListener out = new RecordingEngineListener();
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

    private static EngineSettings.Builder fast() {
        return EngineSettings.builder().retryBackoffMs(1).retryBackoffMaxMs(5);
    }

    private void start(EngineSettings settings, BiFunction<ModelRequest, Integer, Script> scripts) {
        invoker = new ScriptedInvoker(scripts);
        engine = new StreamEngine(settings, invoker, out, scheduler, System::nanoTime, new Random(42));
    }

    /**
     * Waits until the engine's executor has run what was asked of it so far: attempts start there (a pump task),
     * never on the thread that submits or reports.
     */
    private void settle() throws Exception {
        scheduler.submit(() -> {}).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private List<ScriptedInvoker.Call> settledCalls() throws Exception {
        settle();
        return invoker.calls();
    }

    static ModelRequest request(String id, long offset) {
        return new ModelRequest(
                id,
                "anthropic.claude-3-haiku-20240307-v1:0",
                ModelFamily.ANTHROPIC,
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                2,
                offset);
    }

    @Test
    void chunksThenCompleteWithContiguousSeqAndWholeText() throws Exception {
        start(fast().build(), (r, a) -> Script.complete("Hel", "lo", "!"));
        engine.submit(request("r1", 7));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev)
                .extracting(OutputEvent::event)
                .containsExactly(EventType.CHUNK, EventType.CHUNK, EventType.CHUNK, EventType.COMPLETE);
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 1L, 2L, 3L);
        assertThat(ev).extracting(OutputEvent::text).containsExactly("Hel", "lo", "!", null);
        assertThat(ev.get(0).chunk()).isEqualTo("{\"t\":\"Hel\"}");
        OutputEvent complete = ev.get(3);
        assertThat(complete.stopReason()).isEqualTo("end_turn");
        assertThat(complete.inputTokens()).isEqualTo(10L);
        assertThat(complete.outputTokens()).isEqualTo(3L);
        assertThat(complete.firstByteLatencyMs()).isEqualTo(5L);
        assertThat(complete.invocationLatencyMs()).isEqualTo(9L);
        assertThat(ev).allSatisfy(e -> {
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.sourceTopic()).isEqualTo("requests");
            assertThat(e.sourcePartition()).isEqualTo(2);
            assertThat(e.sourceOffset()).isEqualTo(7);
            assertThat(e.modelId()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
            assertThat(e.invocationId()).isEqualTo(ev.get(0).invocationId());
        });

        RequestOutcome o = out.outcome("r1");
        assertThat(o.completed()).isTrue();
        assertThat(o.text()).isEqualTo("Hello!");
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.invocationIds()).containsExactly(ev.get(0).invocationId());
        assertThat(engine.pending()).isZero();
    }

    @Test
    void throttlingIsRetriedWithNewInvocationIds() throws Exception {
        start(
                fast().build(),
                (r, a) -> a <= 2
                        ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"))
                        : Script.complete("ok"));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev)
                .extracting(OutputEvent::event)
                .containsExactly(EventType.ERROR, EventType.ERROR, EventType.CHUNK, EventType.COMPLETE);
        assertThat(ev).extracting(OutputEvent::attempt).containsExactly(1, 2, 3, 3);
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 0L, 0L, 1L);
        assertThat(ev).extracting(OutputEvent::retrying).containsExactly(true, true, null, null);
        assertThat(ev.get(0).errorType()).isEqualTo("ThrottlingException");
        RequestOutcome o = out.outcome("r1");
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.invocationIds())
                .hasSize(3)
                .doesNotHaveDuplicates()
                .containsExactly(
                        ev.get(0).invocationId(),
                        ev.get(1).invocationId(),
                        ev.get(2).invocationId());
        assertThat(o.text()).isEqualTo("ok");
    }

    @Test
    void midStreamFailureEndsTheInvocationAndTheRetryRestartsSeq() throws Exception {
        start(
                fast().build(),
                (r, a) -> a == 1
                        ? Script.fail(failure(ErrorKind.TRANSIENT, "modelStreamErrorException"), "a", "b")
                        : Script.complete("x", "y", "z"));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev)
                .extracting(e -> e.attempt() + ":" + e.seq() + ":" + e.event().wireName())
                .containsExactly(
                        "1:0:chunk", "1:1:chunk", "1:2:error", "2:0:chunk", "2:1:chunk", "2:2:chunk", "2:3:complete");
        assertThat(ev.get(2).retrying()).isTrue();
        assertThat(ev.get(2).errorType()).isEqualTo("modelStreamErrorException");
        assertThat(out.outcome("r1").text()).isEqualTo("xyz"); // only the completed invocation's deltas
    }

    @Test
    void invalidRequestAndConfigurationAreNeverRetried() throws Exception {
        start(
                fast().build(),
                (r, a) -> Script.fail(
                        r.requestId().equals("bad")
                                ? failure(ErrorKind.INVALID_REQUEST, "ValidationException")
                                : failure(ErrorKind.CONFIGURATION, "AccessDeniedException")));
        engine.submit(request("bad", 0));
        engine.submit(request("denied", 1));
        out.awaitOutcomes(2, WAIT);

        for (String id : List.of("bad", "denied")) {
            List<OutputEvent> ev = out.eventsOf(id);
            assertThat(ev).hasSize(1);
            assertThat(ev.get(0).event()).isEqualTo(EventType.ERROR);
            assertThat(ev.get(0).retrying()).isFalse();
            assertThat(out.outcome(id).attempts()).isEqualTo(1);
            assertThat(out.outcome(id).completed()).isFalse();
        }
        assertThat(out.outcome("bad").failure().kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(out.outcome("denied").failure().kind()).isEqualTo(ErrorKind.CONFIGURATION);
    }

    @Test
    void transientRetriesFollowTheConfiguredTypes() throws Exception {
        start(
                fast().retryableErrorTypes(Set.of("ModelStreamErrorException")).build(),
                (r, a) -> a == 1 ? Script.fail(failure(ErrorKind.TRANSIENT, r.requestId())) : Script.complete("done"));
        engine.submit(request("modelStreamErrorException", 0)); // case-insensitive match
        engine.submit(request("StreamTruncated", 1));
        out.awaitOutcomes(2, WAIT);
        assertThat(out.outcome("modelStreamErrorException").attempts()).isEqualTo(2);
        assertThat(out.outcome("modelStreamErrorException").completed()).isTrue();
        assertThat(out.outcome("StreamTruncated").attempts()).isEqualTo(1);
        assertThat(out.outcome("StreamTruncated").completed()).isFalse();
    }

    @Test
    void transientRetryCanBeSwitchedOffButThrottlingStillRetries() throws Exception {
        start(
                fast().retryTransient(false).build(),
                (r, a) -> a == 1
                        ? Script.fail(
                                r.requestId().equals("t")
                                        ? failure(ErrorKind.THROTTLING, "ThrottlingException")
                                        : failure(ErrorKind.TRANSIENT, "InternalServerException"))
                        : Script.complete("done"));
        engine.submit(request("t", 0));
        engine.submit(request("i", 1));
        out.awaitOutcomes(2, WAIT);
        assertThat(out.outcome("t").completed()).isTrue();
        assertThat(out.outcome("i").completed()).isFalse();
    }

    @Test
    void transientErrorsStopAtRetryMaxAttempts() throws Exception {
        start(
                fast().retryMaxAttempts(4).build(),
                (r, a) -> Script.fail(failure(ErrorKind.TRANSIENT, "InternalServerException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev).extracting(OutputEvent::retrying).containsExactly(true, true, true, false);
        assertThat(ev).extracting(OutputEvent::attempt).containsExactly(1, 2, 3, 4);
        RequestOutcome o = out.outcome("r1");
        assertThat(o.attempts()).isEqualTo(4);
        assertThat(o.failure().kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(o.text()).isNull();
        assertThat(o.result()).isNull();
    }

    /** An invoker on a fake clock: every invocation takes 100 ms of it, then fails as scripted. */
    private void startTicking(
            EngineSettings settings,
            java.util.concurrent.atomic.AtomicLong clock,
            BiFunction<ModelRequest, Integer, Script> scripts) {
        invoker = new ScriptedInvoker(scripts);
        io.bedrockstream.bedrock.Invoker ticking = new io.bedrockstream.bedrock.Invoker() {
            @Override
            public InvocationHandle invoke(ModelRequest request, io.bedrockstream.bedrock.InvocationListener l) {
                clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
                return invoker.invoke(request, l);
            }

            @Override
            public void close() {}
        };
        engine = new StreamEngine(settings, ticking, out, scheduler, clock::get, new Random(42));
    }

    @Test
    void throttlingIsRetriedUntilTheDeadlineWhateverRetryMaxAttemptsSays() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        startTicking(
                fast().retryMaxAttempts(3).retryDeadlineMs(1_000).build(),
                clock,
                (r, a) -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        // attempt k fails 100·k ms after the first started; a retry at most 5 ms later fits the 1 s deadline
        // up to k = 9
        RequestOutcome o = out.outcome("r1");
        assertThat(o.attempts()).isEqualTo(10);
        assertThat(o.failure().kind()).isEqualTo(ErrorKind.THROTTLING);
        assertThat(out.eventsOf("r1"))
                .extracting(OutputEvent::retrying)
                .containsExactly(true, true, true, true, true, true, true, true, true, false);
    }

    @Test
    void throttledAttemptsDoNotUseUpTheTransientAttemptBudget() throws Exception {
        start(
                fast().retryMaxAttempts(3).build(),
                (r, a) -> a <= 2
                        ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"))
                        : Script.fail(failure(ErrorKind.TRANSIENT, "ServiceUnavailableException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1"))
                .extracting(e -> e.errorType() + ":" + e.retrying())
                .containsExactly(
                        "ThrottlingException:true",
                        "ThrottlingException:true",
                        "ServiceUnavailableException:true",
                        "ServiceUnavailableException:true",
                        "ServiceUnavailableException:false");
        assertThat(out.outcome("r1").attempts()).isEqualTo(5);
    }

    @Test
    void whileStsIsUnreachableRequestsKeepRetryingUntilTheDeadlineInsteadOfGoingToTheDlqAfterFiveAttempts()
            throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        startTicking(
                fast().retryMaxAttempts(3).retryDeadlineMs(1_000).build(),
                clock,
                (r, a) -> Script.fail(failure(ErrorKind.TRANSIENT, ErrorClassifier.CREDENTIALS_ERROR)));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        // as throttling: attempt k fails 100·k ms after the first started, so retries fit the 1 s deadline up to k = 9
        RequestOutcome o = out.outcome("r1");
        assertThat(o.attempts()).isEqualTo(10);
        assertThat(o.failure().kind())
                .as("not throttling: the limit is not halved")
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(engine.effectiveLimit()).isEqualTo(engine.settings.maxInFlight());
    }

    @Test
    void aCredentialsOutageDoesNotUseUpTheTransientAttemptBudget() throws Exception {
        start(
                fast().retryMaxAttempts(2).build(),
                (r, a) -> a <= 3
                        ? Script.fail(failure(ErrorKind.TRANSIENT, ErrorClassifier.CREDENTIALS_ERROR))
                        : Script.fail(failure(ErrorKind.TRANSIENT, "ServiceUnavailableException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1"))
                .extracting(e -> e.errorType() + ":" + e.retrying())
                .containsExactly(
                        "CredentialsError:true",
                        "CredentialsError:true",
                        "CredentialsError:true",
                        "ServiceUnavailableException:true",
                        "ServiceUnavailableException:false");
    }

    @Test
    void retryThrottlingMaxAttemptsBoundsThrottledAttempts() throws Exception {
        start(
                fast().retryMaxAttempts(2).retryThrottlingMaxAttempts(4).build(),
                (r, a) -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1")).extracting(OutputEvent::retrying).containsExactly(true, true, true, false);
        assertThat(out.outcome("r1").attempts()).isEqualTo(4);
        assertThat(out.outcome("r1").failure().kind()).isEqualTo(ErrorKind.THROTTLING);
    }

    @Test
    void noRetryStartsAfterTheDeadline() throws Exception {
        start(
                fast().retryBackoffMs(200)
                        .retryBackoffMaxMs(200)
                        .retryDeadlineMs(100)
                        .build(),
                (r, a) -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException")));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1")).extracting(OutputEvent::retrying).containsExactly(false);
    }

    @Test
    void theRetryDeadlineCountsFromTheFirstAttemptNotFromSubmit() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        invoker = new ScriptedInvoker((r, a) -> null);
        engine = new StreamEngine(
                fast().maxInFlight(1)
                        .adaptiveConcurrency(false)
                        .retryDeadlineMs(1_000)
                        .build(),
                invoker,
                out,
                scheduler,
                clock::get,
                new Random(1));
        engine.submit(request("head", 0));
        engine.submit(request("queued", 1));
        ScriptedInvoker.Call head = settledCalls().get(0);

        clock.set(TimeUnit.SECONDS.toNanos(5)); // "queued" waits 5 s for the only slot: five deadlines
        head.listener.onComplete(new InvocationResult("end_turn", 1L, 1L, null, null, 0));
        ScriptedInvoker.Call first = settledCalls().get(1);
        assertThat(first.request.requestId()).isEqualTo("queued");

        clock.set(TimeUnit.MILLISECONDS.toNanos(5_500)); // 0.5 s after its first attempt started
        first.listener.onFailure(failure(ErrorKind.THROTTLING, "ThrottlingException"));
        awaitTrue(() -> invoker.calls().size() == 3);
        ScriptedInvoker.Call second = invoker.calls().get(2);

        clock.set(TimeUnit.MILLISECONDS.toNanos(6_500)); // 1.5 s after the first attempt: past the deadline
        second.listener.onFailure(failure(ErrorKind.THROTTLING, "ThrottlingException"));
        out.awaitOutcomes(2, WAIT);

        assertThat(out.eventsOf("queued")).extracting(OutputEvent::retrying).containsExactly(true, false);
        assertThat(out.outcome("queued").attempts()).isEqualTo(2);
        assertThat(out.outcome("queued").failure().kind()).isEqualTo(ErrorKind.THROTTLING);
        settle();
        assertThat(invoker.calls()).hasSize(3);
    }

    @Test
    void abandonStopsEverythingForTheMatchingRequests() throws Exception {
        start(fast().maxInFlight(1).adaptiveConcurrency(false).build(), (r, a) -> null); // held open
        engine.submit(request("running", 0));
        engine.submit(request("queued", 1));
        engine.submit(request("other", 2));
        ScriptedInvoker.Call call = settledCalls().get(0);
        call.listener.onChunk(0, "{}", ScriptedInvoker.chunk("a", false));
        assertThat(engine.pending()).isEqualTo(3);

        int n = engine.abandon(r -> r.sourceOffset() < 2);

        assertThat(n).isEqualTo(2);
        assertThat(call.cancelledWith).isNotNull();
        // the invoker's late callbacks are ignored
        call.listener.onChunk(1, "{}", ScriptedInvoker.chunk("b", false));
        call.listener.onComplete(new InvocationResult("end_turn", 1L, 1L, 1L, 1L, 2));
        assertThat(out.eventsOf("running")).hasSize(1);
        assertThat(out.outcome("running")).isNull();
        assertThat(out.eventsOf("queued")).isEmpty();
        // the freed slot goes to the request that was not abandoned
        assertThat(settledCalls()).hasSize(2);
        assertThat(invoker.calls().get(1).request.requestId()).isEqualTo("other");
        assertThat(engine.pending()).isEqualTo(1);
        assertThat(engine.abandon(r -> r.requestId().equals("running"))).isZero();
    }

    @Test
    void aRequestBackingOffKeepsItsPlaceInTheLimitSoNoFreshRequestStartsItsDeadline() throws Exception {
        start(
                fast().maxInFlight(1)
                        .adaptiveConcurrency(false)
                        .retryBackoffMs(200)
                        .retryBackoffMaxMs(200)
                        .build(),
                (r, a) -> r.requestId().equals("throttled") && a == 1
                        ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"))
                        : r.requestId().equals("throttled") ? Script.complete("ok") : null);
        engine.submit(request("throttled", 0));
        engine.submit(request("fresh", 1));
        out.awaitEvents(1, WAIT);
        awaitTrue(() -> engine.running() == 0); // the slot is released just after the error event
        settle();
        assertThat(invoker.calls()).hasSize(1);
        assertThat(engine.inFlight()).isEqualTo(1);
        assertThat(engine.queued()).isEqualTo(1);

        out.awaitOutcomes(1, WAIT);
        awaitTrue(() -> invoker.calls().size() == 3);
        assertThat(invoker.calls())
                .extracting(c -> c.request.requestId() + "#" + c.attempt)
                .containsExactly("throttled#1", "throttled#2", "fresh#1");
    }

    @Test
    void abandonDuringBackoffPreventsTheRetry() throws Exception {
        start(
                fast().retryBackoffMs(300).retryBackoffMaxMs(300).build(),
                (r, a) -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException")));
        engine.submit(request("r1", 0));
        out.awaitEvents(1, WAIT);
        awaitTrue(() -> engine.running() == 0);
        assertThat(engine.inFlight()).isEqualTo(1);
        assertThat(engine.abandon(r -> true)).isEqualTo(1);
        assertThat(engine.inFlight()).isZero();
        TimeUnit.MILLISECONDS.sleep(400);
        assertThat(invoker.calls()).hasSize(1);
        assertThat(out.events()).hasSize(1);
        assertThat(out.outcomeCount()).isZero();
    }

    static ModelRequest keyed(String id, String recordKey, long offset) {
        ModelRequest r = request(id, offset);
        return new ModelRequest(
                r.requestId(),
                r.modelId(),
                r.family(),
                r.body(),
                r.contentType(),
                r.accept(),
                null,
                null,
                null,
                null,
                r.sourceTopic(),
                r.sourcePartition(),
                offset,
                recordKey);
    }

    @Test
    void perKeyOrderingRunsRequestsWithTheSameRecordKeyOneAfterAnotherWhateverTheirIds() throws Exception {
        start(fast().perKeyOrdering(true).build(), (r, a) -> null);
        engine.submit(keyed("requests-2-0", "customer-1", 0));
        engine.submit(keyed("requests-2-1", "customer-1", 1)); // same record key, another request id
        engine.submit(keyed("requests-2-2", "customer-2", 2));
        engine.submit(keyed("requests-2-3", null, 3));
        engine.submit(keyed("requests-2-4", null, 4)); // no key: no ordering constraint
        assertThat(settledCalls()).extracting(c -> c.request.sourceOffset()).containsExactly(0L, 2L, 3L, 4L);
        assertThat(engine.queued()).isEqualTo(1);

        invoker.calls().get(0).listener.onComplete(new InvocationResult(null, null, null, null, null, 0));
        assertThat(settledCalls()).extracting(c -> c.request.sourceOffset()).containsExactly(0L, 2L, 3L, 4L, 1L);
        assertThat(engine.queued()).isZero();
    }

    @Test
    void perKeyOrderingDoesNotOrderSameIdRequestsWithDifferentRecordKeys() throws Exception {
        start(fast().perKeyOrdering(true).build(), (r, a) -> null);
        engine.submit(keyed("same-id", "k1", 0));
        engine.submit(keyed("same-id", "k2", 1));
        assertThat(settledCalls()).extracting(c -> c.request.sourceOffset()).containsExactly(0L, 1L);
    }

    @Test
    void withoutPerKeyOrderingSameKeyRequestsRunTogether() throws Exception {
        start(fast().build(), (r, a) -> null);
        engine.submit(keyed("a", "k", 0));
        engine.submit(keyed("b", "k", 1));
        assertThat(settledCalls()).hasSize(2);
    }

    @Test
    void neverRunsMoreThanTheLimit() throws Exception {
        Random rnd = new Random(3);
        start(fast().maxInFlight(4).build(), (r, a) -> Script.complete("a", "b").delayed(1 + rnd.nextInt(3)));
        for (int i = 0; i < 60; i++) {
            engine.submit(request("r" + i, i));
            assertThat(engine.running()).isLessThanOrEqualTo(4);
        }
        assertThat(engine.pending()).isGreaterThan(4);
        out.awaitOutcomes(60, WAIT);
        assertThat(invoker.maxRunning.get()).isEqualTo(4);
        assertThat(engine.pending()).isZero();
        awaitTrue(() -> engine.inFlight() == 0);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(end);
            TimeUnit.MILLISECONDS.sleep(2);
        }
    }

    @Test
    void throttlingLowersTheLimitAndSuccessRaisesItAgain() throws Exception {
        start(
                fast().maxInFlight(8).retryBackoffMs(1).build(),
                (r, a) -> r.requestId().startsWith("t") && a == 1
                        ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"))
                        : Script.complete("x"));
        engine.submit(request("t1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(engine.effectiveLimit()).isEqualTo(4); // halved once, then one success (+1/4) is not a step
        for (int i = 0; i < 40; i++) {
            engine.submit(request("ok" + i, i + 1));
        }
        out.awaitOutcomes(41, WAIT);
        assertThat(engine.effectiveLimit()).isEqualTo(8);
    }

    @Test
    void fixedLimitWhenAdaptiveIsOff() throws Exception {
        start(
                fast().maxInFlight(8).adaptiveConcurrency(false).build(),
                (r, a) -> a == 1
                        ? Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"))
                        : Script.complete("x"));
        engine.submit(request("t1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(engine.effectiveLimit()).isEqualTo(8);
    }

    @Test
    void invocationTimeoutBackstopEndsAStuckInvocation() throws Exception {
        // an invoker that never reports anything, not even after cancel
        invoker = new ScriptedInvoker((r, a) -> null);
        io.bedrockstream.bedrock.Invoker silent = new io.bedrockstream.bedrock.Invoker() {
            @Override
            public InvocationHandle invoke(ModelRequest request, io.bedrockstream.bedrock.InvocationListener l) {
                return reason -> {};
            }

            @Override
            public void close() {}
        };
        engine = new StreamEngine(
                fast().retryMaxAttempts(1).invocationTimeoutMs(50).build(),
                silent,
                out,
                scheduler,
                System::nanoTime,
                new Random(1));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1")).singleElement().satisfies(e -> {
            assertThat(e.errorType()).isEqualTo("InvocationTimeout");
            assertThat(e.retrying()).isFalse();
        });
        awaitTrue(() -> engine.running() == 0);
    }

    @Test
    void aSecondTerminalFromTheInvokerIsIgnored() throws Exception {
        start(fast().build(), (r, a) -> null);
        engine.submit(request("r1", 0));
        ScriptedInvoker.Call c = settledCalls().get(0);
        c.listener.onComplete(new InvocationResult("stop", null, null, null, null, 0));
        c.listener.onFailure(failure(ErrorKind.TRANSIENT, "ClientError"));
        c.listener.onComplete(new InvocationResult("stop", null, null, null, null, 0));
        assertThat(out.events()).extracting(OutputEvent::event).containsExactly(EventType.COMPLETE);
        assertThat(out.outcomeCount()).isEqualTo(1);
        settle();
        assertThat(engine.running()).isZero();
    }

    @Test
    void requestsPerMinuteCapSpacesStarts() throws Exception {
        // 600/min = one per 100 ms, burst 10: the 11th and 12th wait for refill
        start(fast().requestsPerMinute(600).build(), (r, a) -> Script.complete("x"));
        long t0 = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            engine.submit(request("r" + i, i));
        }
        out.awaitOutcomes(12, WAIT);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    }

    @Test
    void tokensPerMinuteCapHoldsStartsWhileOverdrawn() throws Exception {
        // 600 tokens/min (10/s, capacity 600): one completion of 1200 tokens overdraws the bucket to -600
        start(fast().tokensPerMinute(600).build(), (r, a) -> null);
        engine.submit(request("a", 0));
        settledCalls().get(0).listener.onComplete(new InvocationResult("s", 1200L, 0L, null, null, 0));
        engine.submit(request("b", 1));
        assertThat(settledCalls()).hasSize(1); // bucket at -600: ~60 s of refill needed
        assertThat(engine.pending()).isEqualTo(1);
    }

    @Test
    void outcomesCarryAllInvocationIdsInOrder() throws Exception {
        start(
                fast().build(),
                (r, a) -> a < 3
                        ? Script.fail(failure(ErrorKind.TRANSIENT, "InternalServerException"), "p")
                        : Script.complete("q"));
        engine.submit(request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        List<String> idsFromEvents = out.eventsOf("r1").stream()
                .map(OutputEvent::invocationId)
                .distinct()
                .collect(Collectors.toList());
        assertThat(out.outcome("r1").invocationIds()).isEqualTo(idsFromEvents);
    }

    @Test
    void aListenerThatThrowsOnAChunkGetsAContiguousTerminal() throws Exception {
        EngineListener flaky = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {
                if (event.event() == EventType.CHUNK && event.seq() == 1 && event.attempt() == 1) {
                    throw new IllegalStateException("producer buffer full");
                }
                out.onEvent(event);
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {
                out.onOutcome(outcome);
            }
        };
        invoker = new ScriptedInvoker((r, a) -> null);
        engine = new StreamEngine(fast().build(), invoker, flaky, scheduler, System::nanoTime, new Random(1));
        engine.submit(request("r1", 0));
        InvocationListenerProbe.failOnThrow(settledCalls().get(0).listener);
        out.awaitEvents(2, WAIT);
        assertThat(out.eventsOf("r1"))
                .extracting(e -> e.seq() + ":" + e.event().wireName())
                .startsWith("0:chunk", "1:error");
    }
}
