package io.bedrockstream.engine;

import static io.bedrockstream.engine.StreamEngineTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.request.ModelRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 10,000 requests through the engine while the invoker fails at random — thrown from {@code invoke()}, reported
 * before it returns, reported later on "sdk" threads (throttling, transient, invalid; some after chunks) — and
 * stalls (calls that never end until the invocation timeout, some that do not even report their cancel), while
 * another thread abandons requests that are streaming, backing off or queued. Every request ends exactly once
 * (one outcome, or abandoned: never both, never twice, nothing delivered or still being delivered once its
 * abandon() returns, even an abandon() that found the outcome under way), nothing exceeds the
 * limit, and the counters and queues return to zero. No request ever has two attempts open at once, and with
 * request ordering by key none is invoked before the one submitted before it with its key has its outcome (or
 * its abandon() was called). Run with attempts started inline on the engine thread, and on a pool of start
 * threads as the engine's public constructor starts them.
 */
class StreamEngineStressTest {
    private static final int REQUESTS = 10_000;
    private static final int MAX_IN_FLIGHT = 8;
    /** Ordering keys: few enough that a key's next request is often submitted while the one before it runs. */
    private static final int KEYS = 24;

    private static final long SEED = 20_240_611L;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final ScheduledExecutorService scheduler =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "engine"));
    private final ExecutorService sdk = Executors.newFixedThreadPool(2, new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "sdk-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private final ExecutorService starter = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "start");
        t.setDaemon(true);
        return t;
    });
    private final List<String> violations = new CopyOnWriteArrayList<>();
    /** The request submitted before each one with the same ordering key. */
    private final Map<String, String> keyPredecessor = new ConcurrentHashMap<>();
    /** Requests whose outcome was delivered, or whose abandon() was called. */
    private final Set<String> endedOrAbandoning = ConcurrentHashMap.newKeySet();

    private StreamEngine engine;
    private Thread abandoner;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (abandoner != null) {
            abandoner.interrupt();
            abandoner.join(10_000);
        }
        if (engine != null) {
            engine.close();
        }
        sdk.shutdownNow();
        scheduler.shutdownNow();
        starter.shutdownNow();
    }

    enum Behaviour {
        COMPLETES,
        THROWS,
        FAILS_BEFORE_RETURNING,
        THROTTLED,
        TRANSIENT,
        INVALID,
        STALLS,
        STALLS_SILENTLY
    }

    private static Behaviour pick(Random r) {
        int x = r.nextInt(1000);
        if (x < 40) {
            return Behaviour.THROWS;
        } else if (x < 80) {
            return Behaviour.FAILS_BEFORE_RETURNING;
        } else if (x < 160) {
            return Behaviour.THROTTLED;
        } else if (x < 210) {
            return Behaviour.TRANSIENT;
        } else if (x < 220) {
            return Behaviour.INVALID;
        } else if (x < 226) {
            return Behaviour.STALLS;
        } else if (x < 230) {
            return Behaviour.STALLS_SILENTLY;
        }
        return Behaviour.COMPLETES;
    }

    private static InvocationFailure failure(ErrorKind kind, long chunks) {
        String type = switch (kind) {
            case THROTTLING -> "ThrottlingException";
            case TRANSIENT -> "ServiceUnavailableException";
            case INVALID_REQUEST -> "ValidationException";
            case CONFIGURATION -> "AccessDeniedException";
        };
        return new InvocationFailure(kind, type, type, null, null, null, chunks);
    }

    /** Plays each call as its behaviour says; counts calls open from invoke() until they end or are cancelled. */
    private final class ChaosInvoker implements Invoker {
        final Random random = new Random(SEED);
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger maxOpen = new AtomicInteger();
        final Map<Behaviour, AtomicInteger> played = new EnumMap<>(Behaviour.class);
        final Map<String, Call> lastCall = new ConcurrentHashMap<>();

        ChaosInvoker() {
            for (Behaviour b : Behaviour.values()) {
                played.put(b, new AtomicInteger());
            }
        }

        @Override
        public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
            if (Thread.currentThread().getName().startsWith("sdk")) {
                violations.add("invoke() on " + Thread.currentThread().getName());
            }
            String before = keyPredecessor.get(request.requestId());
            if (before != null && !endedOrAbandoning.contains(before)) {
                violations.add(request.requestId() + " invoked before " + before + " (same key) had its outcome");
            }
            Behaviour b;
            int chunks;
            ErrorKind syncKind;
            synchronized (random) {
                b = pick(random);
                chunks = random.nextInt(4);
                syncKind = List.of(ErrorKind.THROTTLING, ErrorKind.TRANSIENT, ErrorKind.INVALID_REQUEST)
                        .get(random.nextInt(3));
            }
            played.get(b).incrementAndGet();
            int nowOpen = open.incrementAndGet();
            maxOpen.accumulateAndGet(nowOpen, Math::max);
            checkLimits("invoke");
            Call call = new Call(listener, b);
            Call previous = lastCall.put(request.requestId(), call);
            if (previous != null && !previous.ended.get()) {
                violations.add(request.requestId() + " invoked while its previous attempt is still open");
            }
            switch (b) {
                case THROWS -> {
                    call.end();
                    throw new IllegalStateException("Unable to load credentials");
                }
                case FAILS_BEFORE_RETURNING -> {
                    call.end();
                    listener.onFailure(failure(syncKind, 0));
                }
                case STALLS, STALLS_SILENTLY -> {
                    // nothing until cancelled (invocation timeout or abandon)
                }
                default -> sdk.execute(() -> call.play(chunks));
            }
            return call;
        }

        final class Call implements InvocationHandle {
            final InvocationListener listener;
            final Behaviour behaviour;
            final AtomicBoolean ended = new AtomicBoolean();
            volatile boolean cancelled;

            Call(InvocationListener listener, Behaviour behaviour) {
                this.listener = listener;
                this.behaviour = behaviour;
            }

            boolean end() {
                if (ended.compareAndSet(false, true)) {
                    open.decrementAndGet();
                    return true;
                }
                return false;
            }

            @Override
            public void cancel(InvocationFailure reason) {
                cancelled = true;
                // like the SDK, a call that ended already ignores the cancel; a stall reports it later, or not
                if (end() && behaviour == Behaviour.STALLS) {
                    sdk.execute(() -> listener.onFailure(reason));
                }
            }

            void play(int chunks) {
                for (int seq = 0; seq < chunks; seq++) {
                    if (cancelled) {
                        return;
                    }
                    listener.onChunk(seq, "{}", ScriptedInvoker.chunk("t" + seq, false));
                }
                if (!end()) {
                    return; // cancelled meanwhile
                }
                switch (behaviour) {
                    case COMPLETES ->
                        listener.onComplete(new InvocationResult("end_turn", 2L, (long) chunks, 1L, 1L, chunks));
                    case THROTTLED -> listener.onFailure(failure(ErrorKind.THROTTLING, chunks));
                    case TRANSIENT -> listener.onFailure(failure(ErrorKind.TRANSIENT, chunks));
                    case INVALID -> listener.onFailure(failure(ErrorKind.INVALID_REQUEST, chunks));
                    default -> throw new IllegalStateException(behaviour.name());
                }
            }
        }

        @Override
        public void close() {}
    }

    private void checkLimits(String where) {
        StreamEngine e = engine;
        if (e == null) {
            return;
        }
        int running = e.running();
        int inFlight = e.inFlight();
        if (running < 0 || running > MAX_IN_FLIGHT || inFlight < 0 || inFlight > MAX_IN_FLIGHT) {
            violations.add(where + ": running " + running + ", in flight " + inFlight);
        }
    }

    private static int index(String requestId) {
        return Integer.parseInt(requestId.substring(1));
    }

    /** Abandoned when a chunk arrives (mid-stream). */
    private static boolean abandonWhileStreaming(int i) {
        return i % 20 == 0;
    }

    /** Abandoned when an attempt fails with a retry to follow (backing off). */
    private static boolean abandonWhileBackingOff(int i) {
        return i % 20 == 5;
    }

    /** Abandoned while its outcome is being delivered: abandon() must wait for that delivery to end. */
    private static boolean abandonWhileItsOutcomeIsDelivered(int i) {
        return i % 20 == 15;
    }

    /** Abandoned at a random moment (queued, waiting for its key, running, or done already). */
    private static boolean abandonAnyTime(int i) {
        return i % 20 == 10;
    }

    @ParameterizedTest(name = "request.ordering=key: {0}, start threads: {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void tenThousandRequestsWithRandomFailuresThrottlesStallsAndAbandonsEachEndExactlyOnce(
            boolean ordering, boolean startThreads) throws Exception {
        RecordingEngineListener out = new RecordingEngineListener();
        Set<String> abandoned = ConcurrentHashMap.newKeySet();
        // ids an abandon() call has been made for / has returned for, whatever it counted: once one returned,
        // no listener call for the id may still be running (one still running then was delivered after it)
        // (only for ids submitted before the call: an abandon() that comes first rightly stops nothing)
        Set<String> submitted = ConcurrentHashMap.newKeySet();
        Set<String> abandonCalled = ConcurrentHashMap.newKeySet();
        Set<String> abandonReturned = ConcurrentHashMap.newKeySet();
        Set<String> triggered = ConcurrentHashMap.newKeySet();
        BlockingQueue<String> toAbandon = new LinkedBlockingQueue<>();
        EngineListener listener = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {
                String id = event.requestId();
                if (abandoned.contains(id)) {
                    violations.add("event after abandon: " + event);
                }
                int i = index(id);
                boolean trigger = event.event() == EventType.CHUNK
                        ? abandonWhileStreaming(i)
                        : Boolean.TRUE.equals(event.retrying()) && abandonWhileBackingOff(i);
                if (trigger && triggered.add(id)) {
                    toAbandon.add(id);
                }
                checkLimits("event");
                out.onEvent(event);
                if (abandonReturned.contains(id)) {
                    violations.add("event delivered after its abandon() returned: " + event);
                }
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {
                String id = outcome.request().requestId();
                if (abandoned.contains(id)) {
                    violations.add("outcome after abandon: " + id);
                }
                if (abandonWhileItsOutcomeIsDelivered(index(id)) && triggered.add(id)) {
                    // hold the delivery until the abandon() call is under way, then give it time to return early
                    toAbandon.add(id);
                    long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
                    while (!abandonCalled.contains(id) && System.nanoTime() < giveUp) {
                        Thread.onSpinWait();
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                out.onOutcome(outcome);
                endedOrAbandoning.add(id);
                if (abandonReturned.contains(id)) {
                    violations.add("outcome delivered after its abandon() returned: " + id);
                }
            }
        };
        ChaosInvoker invoker = new ChaosInvoker();
        engine = new StreamEngine(
                EngineSettings.builder()
                        .maxInFlight(MAX_IN_FLIGHT)
                        .retryMaxAttempts(3)
                        .retryBackoffMs(1)
                        .retryBackoffMaxMs(4)
                        .retryDeadlineMs(60_000)
                        .invocationTimeoutMs(25)
                        .perKeyOrdering(ordering)
                        .build(),
                invoker,
                listener,
                scheduler,
                startThreads ? starter : null,
                System::nanoTime,
                new Random(SEED));

        List<String> anyTime = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            if (abandonAnyTime(i)) {
                anyTime.add("r" + i);
            }
        }
        Collections.shuffle(anyTime, new Random(SEED));
        abandoner = new Thread(
                () -> {
                    Random pace = new Random(SEED);
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            String id = toAbandon.poll(1, TimeUnit.MILLISECONDS);
                            if (id == null && !anyTime.isEmpty() && pace.nextInt(4) == 0) {
                                id = anyTime.remove(anyTime.size() - 1);
                            }
                            if (id == null) {
                                continue;
                            }
                            String target = id;
                            boolean wasSubmitted = submitted.contains(id);
                            abandonCalled.add(id);
                            endedOrAbandoning.add(id);
                            int n = engine.abandon(r -> r.requestId().equals(target));
                            if (wasSubmitted) {
                                abandonReturned.add(id);
                            }
                            if (n == 1 && !abandoned.add(id)) {
                                violations.add("abandoned twice: " + id);
                            } else if (n > 1) {
                                violations.add("abandon matched " + n + " requests for " + id);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "abandoner");
        abandoner.start();

        Map<String, String> lastOfKey = new java.util.HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
            ModelRequest r = request("r" + i, i);
            String key = !ordering || i % 7 == 0 ? null : "k" + i % KEYS;
            if (key != null) {
                String before = lastOfKey.put(key, r.requestId());
                if (before != null) {
                    keyPredecessor.put(r.requestId(), before);
                }
            }
            engine.submit(new ModelRequest(
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
                    i,
                    key));
            submitted.add(r.requestId());
        }

        long end = System.nanoTime() + WAIT_NANOS;
        while (out.outcomeCount() + abandoned.size() < REQUESTS) {
            assertThat(System.nanoTime())
                    .as(
                            "all requests ended within 90 s: %d outcomes, %d abandoned, %d "
                                    + "pending, %d running, %d in flight, %d queued",
                            out.outcomeCount(),
                            abandoned.size(),
                            engine.pending(),
                            engine.running(),
                            engine.inFlight(),
                            engine.queued())
                    .isLessThan(end);
            TimeUnit.MILLISECONDS.sleep(10);
        }
        abandoner.interrupt();
        abandoner.join(10_000);
        StreamEngineTest.awaitTrue(() -> engine.running() == 0 && engine.inFlight() == 0);
        StreamEngineTest.awaitTrue(() -> invoker.open.get() == 0);

        assertThat(violations).isEmpty();
        assertThat(out.violations()).isEmpty();
        int completed = 0;
        int failed = 0;
        for (int i = 0; i < REQUESTS; i++) {
            String id = "r" + i;
            RequestOutcome o = out.outcome(id);
            assertThat(o != null ^ abandoned.contains(id))
                    .as("%s: an outcome or abandoned, not both", id)
                    .isTrue();
            if (o != null) {
                if (o.completed()) {
                    completed++;
                } else {
                    failed++;
                }
            }
        }
        assertThat(out.outcomeCount() + abandoned.size()).isEqualTo(REQUESTS);
        assertThat(engine.pending()).isZero();
        assertThat(engine.queued()).isZero();
        assertThat(engine.running()).isZero();
        assertThat(engine.inFlight()).isZero();
        assertThat(invoker.maxOpen.get()).isBetween(2, MAX_IN_FLIGHT);
        assertThat(invoker.played.values()).allSatisfy(n -> assertThat(n.get()).isPositive());
        assertThat(completed).isGreaterThan(REQUESTS / 2);
        assertThat(failed).isPositive();
        assertThat(abandoned).isNotEmpty();
        assertThat(out.events()).anyMatch(e -> "InvocationTimeout".equals(e.errorType()));
    }
}
