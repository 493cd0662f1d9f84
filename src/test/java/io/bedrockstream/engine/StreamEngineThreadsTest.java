package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static io.bedrockstream.engine.StreamEngineTest.awaitTrue;
import static io.bedrockstream.engine.StreamEngineTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which thread does the engine's work: never the invoker's callback threads (the SDK's event loop, where a
 * blocking credentials refresh inside {@code invoke()} deadlocks), and never a stack that grows per queued request.
 */
class StreamEngineThreadsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "engine-test-scheduler"));
    private final RecordingEngineListener out = new RecordingEngineListener();
    private final ExecutorService sdk2 = Executors.newFixedThreadPool(2, named("sdk"));
    private final ExecutorService sdk1 = Executors.newSingleThreadExecutor(named("sdk-single"));
    private StreamEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        sdk2.shutdownNow();
        sdk1.shutdownNow();
        scheduler.shutdownNow();
        assertThat(out.violations()).isEmpty();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private StreamEngine engine(EngineSettings settings, Invoker invoker) {
        engine = new StreamEngine(settings, invoker, out, scheduler, System::nanoTime, new Random(7));
        return engine;
    }

    private static InvocationResult result() {
        return new InvocationResult("end_turn", 3L, 1L, 1L, 1L, 1);
    }

    /** Like the SDK: returns at once, reports the call's events later on one of its own threads. */
    private abstract static class AsyncInvoker implements Invoker {
        final List<String> invokeThreads = new CopyOnWriteArrayList<>();

        @Override
        public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
            invokeThreads.add(Thread.currentThread().getName());
            start(request, listener);
            return reason -> {};
        }

        abstract void start(ModelRequest request, InvocationListener listener);

        @Override
        public void close() {}
    }

    @Test
    void invocationsNeverStartOnTheThreadsThatDeliverInvocationEvents() throws Exception {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        AsyncInvoker invoker = new AsyncInvoker() {
            @Override
            void start(ModelRequest r, InvocationListener l) {
                int attempt = attempts.computeIfAbsent(r.requestId(), k -> new AtomicInteger())
                        .incrementAndGet();
                boolean throttled = r.sourceOffset() % 3 == 0 && attempt == 1;
                sdk2.execute(() -> {
                    if (throttled) {
                        l.onFailure(failure(ErrorKind.THROTTLING, "ThrottlingException"));
                    } else {
                        l.onChunk(0, "{}", ScriptedInvoker.chunk("x", false));
                        l.onComplete(result());
                    }
                });
            }
        };
        engine(
                EngineSettings.builder()
                        .maxInFlight(2)
                        .retryBackoffMs(1)
                        .retryBackoffMaxMs(3)
                        .build(),
                invoker);
        for (int i = 0; i < 100; i++) {
            engine.submit(request("r" + i, i));
        }
        out.awaitOutcomes(100, WAIT);

        assertThat(invoker.invokeThreads).hasSize(100 + 34);
        assertThat(invoker.invokeThreads).noneMatch(name -> name.startsWith("sdk"));
        assertThat(out.outcomeCount()).isEqualTo(100);
    }

    @Test
    void aBurstOfRequestsStartsItsInvocationsInParallelOnTheEnginesStartThreads() throws Exception {
        // invoke() does real work on the calling thread (the SDK marshals and signs there): a burst of requests
        // arriving in one put() must not start one after the other behind a single thread
        CountDownLatch bothEntered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        Invoker invoker = new Invoker() {
            @Override
            public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
                threads.add(Thread.currentThread().getName());
                bothEntered.countDown();
                try {
                    // returns only once the other invoke() has been entered too, or after the wait
                    bothEntered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sdk2.execute(() -> {
                    listener.onChunk(0, "{}", ScriptedInvoker.chunk("x", false));
                    listener.onComplete(result());
                });
                return reason -> {};
            }

            @Override
            public void close() {}
        };
        engine = new StreamEngine(EngineSettings.builder().maxInFlight(4).build(), invoker, out);
        engine.submit(request("a", 0));
        engine.submit(request("b", 1));

        assertThat(bothEntered.await(10, TimeUnit.SECONDS))
                .as("the second invoke() started while the first was still running")
                .isTrue();
        release.countDown();
        out.awaitOutcomes(2, WAIT);
        assertThat(out.outcomeCount()).isEqualTo(2);
        assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("bedrock-stream-start-"));
        assertThat(java.util.Set.copyOf(threads)).hasSize(2);
    }

    /**
     * Handing an admitted request to a start thread can fail with an Error: a fixed pool creates its threads on
     * demand, and "unable to create native thread" is an OutOfMemoryError thrown from execute(). The requests the
     * pump took off the queue (each holding a slot) must still start, not be dropped with their slots held.
     */
    @Test
    void aStartThreadThatCannotBeCreatedLosesNoAdmittedRequestAndNoSlot() throws Exception {
        AtomicInteger refusals = new AtomicInteger(1);
        ExecutorService starter = Executors.newFixedThreadPool(2, r -> {
            if (refusals.getAndDecrement() > 0) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            }
            Thread t = new Thread(r, "start-test");
            t.setDaemon(true);
            return t;
        });
        try {
            AsyncInvoker invoker = new AsyncInvoker() {
                @Override
                void start(ModelRequest r, InvocationListener l) {
                    sdk2.execute(() -> l.onComplete(result()));
                }
            };
            engine = new StreamEngine(
                    EngineSettings.builder()
                            .maxInFlight(2)
                            .adaptiveConcurrency(false)
                            .build(),
                    invoker,
                    out,
                    scheduler,
                    starter,
                    System::nanoTime,
                    new Random(7));
            for (int i = 0; i < 4; i++) {
                engine.submit(request("r" + i, i));
            }
            out.awaitOutcomes(4, Duration.ofSeconds(10));
            for (int i = 0; i < 4; i++) {
                assertThat(out.outcome("r" + i).completed()).as("r%d", i).isTrue();
            }
            assertThat(invoker.invokeThreads).hasSize(4);
            awaitTrue(() -> engine.running() == 0 && engine.inFlight() == 0);
            assertThat(engine.pending()).isZero();
        } finally {
            starter.shutdownNow();
        }
    }

    /**
     * close() while more admitted requests wait for a start thread than there are start threads: each of those
     * holds a slot and a token reservation, and must give both back (it is abandoned: it only gives them back),
     * not be dropped holding them.
     */
    @Test
    void closeWithStartsStillQueuedForTheStartThreadsLeavesNoSlotOrReservationHeld() throws Exception {
        CountDownLatch bothEntered = new CountDownLatch(StreamEngine.START_THREADS);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger invoked = new AtomicInteger();
        Invoker invoker = new Invoker() {
            @Override
            public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
                invoked.incrementAndGet();
                bothEntered.countDown();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return reason -> {};
            }

            @Override
            public void close() {}
        };
        engine = new StreamEngine(
                EngineSettings.builder()
                        .maxInFlight(8)
                        .adaptiveConcurrency(false)
                        .tokensPerMinute(1_000_000)
                        .build(),
                invoker,
                out);
        for (int i = 0; i < 6; i++) {
            engine.submit(TokenQuotaAdmissionTest.request("r" + i, 100));
        }
        assertThat(bothEntered.await(10, TimeUnit.SECONDS)).isTrue();
        awaitTrue(() -> engine.running() == 6);
        assertThat(engine.tokenReservations()).isEqualTo(6);

        engine.close();
        release.countDown();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((engine.running() != 0 || engine.tokenReservations() != 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(engine.running()).as("slots held after close()").isZero();
        assertThat(engine.tokenReservations())
                .as("token reservations held after close()")
                .isZero();
        assertThat(engine.inFlight()).isZero();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.pending()).isZero();
        assertThat(invoked.get()).as("no request was invoked after close()").isEqualTo(2);
        assertThat(out.outcomeCount()).isZero();
        assertThat(out.events()).isEmpty();
    }

    @Test
    void anInvokeThatWaitsForTheSdkThreadDoesNotDeadlockIt() throws Exception {
        // like a credentials refresh that joins an STS call needing the event loop that delivers our events
        AtomicInteger stuck = new AtomicInteger();
        CountDownLatch allSubmitted = new CountDownLatch(1);
        AsyncInvoker invoker = new AsyncInvoker() {
            @Override
            void start(ModelRequest r, InvocationListener l) {
                try {
                    sdk1.submit(() -> {}).get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    stuck.incrementAndGet();
                    throw new IllegalStateException("the sdk thread never ran the refresh");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                sdk1.execute(() -> {
                    awaitQuietly(allSubmitted);
                    l.onComplete(result());
                });
            }
        };
        engine(EngineSettings.builder().maxInFlight(1).retryMaxAttempts(1).build(), invoker);
        for (int i = 0; i < 10; i++) {
            engine.submit(request("r" + i, i));
        }
        allSubmitted.countDown();
        out.awaitOutcomes(10, WAIT);

        assertThat(stuck.get()).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(out.outcome("r" + i).completed()).as("r%d", i).isTrue();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A head request holds the only slot while the rest queue; when it ends, every queued request fails inside
     * invoke() (thrown, or reported before invoke returns) and is not retried. The stack invoke() runs on stays
     * as deep as for the first request, whether attempts start inline on the engine thread or on start threads.
     */
    @ParameterizedTest(name = "{0} requests, invoke {1}, start threads: {2}")
    @CsvSource({
        "500, throws, false",
        "500, reports, false",
        "10000, throws, false",
        "10000, reports, false",
        "10000, throws, true",
        "10000, reports, true"
    })
    void aSynchronousFailureCascadeGivesEveryRequestItsOutcomeAndReturnsEverySlot(
            int n, String how, boolean startThreads) throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        ExecutorService starter = startThreads ? Executors.newFixedThreadPool(2, named("start")) : null;
        InvocationListener[] head = new InvocationListener[1];
        Invoker invoker = new Invoker() {
            @Override
            public InvocationHandle invoke(ModelRequest r, InvocationListener l) {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                maxDepth.accumulateAndGet(new Throwable().getStackTrace().length, Math::max);
                if (r.requestId().equals("head")) {
                    head[0] = l;
                    return reason -> {};
                }
                running.decrementAndGet();
                if (how.equals("throws")) {
                    throw new IllegalStateException("Unable to load credentials");
                }
                l.onFailure(new InvocationFailure(
                        ErrorKind.CONFIGURATION, "AccessDeniedException", "not allowed", 403, null, null, 0));
                return reason -> {};
            }

            @Override
            public void close() {}
        };
        engine = new StreamEngine(
                EngineSettings.builder()
                        .maxInFlight(1)
                        .adaptiveConcurrency(false)
                        .retryMaxAttempts(1)
                        .build(),
                invoker,
                out,
                scheduler,
                starter,
                System::nanoTime,
                new Random(7));
        engine.submit(request("head", 0));
        awaitTrue(() -> head[0] != null);
        int headDepth = maxDepth.get();
        for (int i = 1; i <= n; i++) {
            engine.submit(request("r" + i, i));
        }
        assertThat(engine.pending()).isEqualTo(n + 1);
        sdk2.execute(() -> {
            running.decrementAndGet();
            head[0].onComplete(result());
        });

        out.awaitOutcomes(n + 1, WAIT);
        assertThat(out.outcome("head").completed()).isTrue();
        for (int i = 1; i <= n; i++) {
            RequestOutcome o = out.outcome("r" + i);
            assertThat(o.attempts()).isEqualTo(1);
            assertThat(o.completed()).isFalse();
        }
        assertThat(maxRunning.get()).isEqualTo(1);
        assertThat(maxDepth.get()).as("deepest invoke() stack").isEqualTo(headDepth);
        awaitTrue(() -> engine.running() == 0);
        assertThat(engine.inFlight()).isZero();
        assertThat(engine.pending()).isZero();
        assertThat(engine.queued()).isZero();
        assertThat(out.outcomeCount()).isEqualTo(n + 1);
        if (starter != null) {
            starter.shutdownNow();
        }
    }
    /**
     * A plugin missing a jar throws NoClassDefFoundError from {@code invoke()}, on the engine's pump task: it must
     * fail that request (as a broken install, not a passing fault) and give its slot back, and later requests
     * must still start.
     */
    @Test
    void anErrorThrownFromInvokeFailsThatRequestAndDoesNotWedgeTheEngine() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AsyncInvoker invoker = new AsyncInvoker() {
            @Override
            void start(ModelRequest r, InvocationListener l) {
                if (calls.incrementAndGet() == 1) {
                    throw new NoClassDefFoundError("io/netty/handler/codec/http2/Http2FrameCodec");
                }
                sdk2.execute(() -> l.onComplete(result()));
            }
        };
        engine(EngineSettings.builder().maxInFlight(4).build(), invoker);
        engine.submit(request("r0", 0));
        awaitTrue(() -> calls.get() == 1);
        engine.submit(request("r1", 1));
        engine.submit(request("r2", 2));
        out.awaitOutcomes(3, WAIT);
        assertThat(calls.get()).as("r1 and r2 were invoked").isEqualTo(3);
        RequestOutcome failed = out.outcome("r0");
        assertThat(failed.failure().kind()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(failed.failure().message()).contains("NoClassDefFoundError").contains("plugin");
        assertThat(out.outcome("r1").completed()).isTrue();
        awaitTrue(() -> engine.running() == 0 && engine.inFlight() == 0);
    }

    @Test
    void anyOtherErrorFromInvokeIsATransientFailureThatIsRetried() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AsyncInvoker invoker = new AsyncInvoker() {
            @Override
            void start(ModelRequest r, InvocationListener l) {
                if (calls.incrementAndGet() == 1) {
                    throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                }
                sdk2.execute(() -> l.onComplete(result()));
            }
        };
        engine(
                EngineSettings.builder()
                        .maxInFlight(1)
                        .retryBackoffMs(1)
                        .retryBackoffMaxMs(2)
                        .build(),
                invoker);
        engine.submit(request("r0", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r0")).first().satisfies(e -> {
            assertThat(e.errorType()).isEqualTo("ClientError");
            assertThat(e.retrying()).isTrue();
        });
        assertThat(out.outcome("r0").completed()).isTrue();
        awaitTrue(() -> engine.running() == 0 && engine.inFlight() == 0);
    }

    /**
     * abandon()'s promise, "once this returns, nothing more is delivered for them", also holds for a request whose
     * outcome is being delivered at that moment: the sink closing a revoked partition must not see that outcome
     * land afterwards (and finish a request re-registered for the new assignment).
     */
    @Test
    void abandonDoesNotReturnWhileAnOutcomeOfAMatchingRequestIsStillBeingDelivered() throws Exception {
        CountDownLatch inOutcome = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch outcomeDone = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean abandonReturned = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean deliveredAfterAbandon =
                new java.util.concurrent.atomic.AtomicBoolean();
        EngineListener slowOutcome = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {}

            @Override
            public void onOutcome(RequestOutcome outcome) {
                inOutcome.countDown();
                awaitQuietly(release);
                if (abandonReturned.get()) {
                    deliveredAfterAbandon.set(true);
                }
                outcomeDone.countDown();
            }
        };
        AsyncInvoker invoker = new AsyncInvoker() {
            @Override
            void start(ModelRequest r, InvocationListener l) {
                sdk2.execute(() -> l.onComplete(result()));
            }
        };
        engine = new StreamEngine(
                EngineSettings.builder().maxInFlight(4).build(),
                invoker,
                slowOutcome,
                scheduler,
                System::nanoTime,
                new Random(7));
        engine.submit(request("r0", 0));
        assertThat(inOutcome.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        AtomicInteger abandonedCount = new AtomicInteger(-1);
        Thread abandoner = new Thread(() -> {
            abandonedCount.set(engine.abandon(r -> true)); // the sink's close() of the revoked partition
            abandonReturned.set(true);
        });
        abandoner.start();
        abandoner.join(300);
        assertThat(abandonReturned.get())
                .as("abandon() returned while onOutcome still ran")
                .isFalse();
        release.countDown();
        abandoner.join(WAIT.toMillis());
        assertThat(outcomeDone.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(deliveredAfterAbandon.get())
                .as("onOutcome ran on after abandon() returned")
                .isFalse();
        assertThat(abandonedCount.get())
                .as("its outcome was delivered: not abandoned")
                .isZero();
        assertThat(engine.pending()).isZero();
    }
}
