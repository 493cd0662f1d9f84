package io.bedrockstream.engine;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.request.ModelRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs model requests concurrently, with retries, and turns invocation events into output events.
 *
 * <p>Admission: a request starts when fewer requests are in flight ({@link #inFlight()}: invocations running plus
 * requests backing off before a retry) than {@link #effectiveLimit()} and the optional requests/tokens-per-minute
 * buckets allow; otherwise it waits in a FIFO queue. Nothing here blocks: waits are timers on the scheduler. A
 * request backing off keeps its place in the limit, and when its timer fires it goes to the head of the queue: under
 * throttling no fresh request starts (and starts its retry deadline) while earlier ones still wait for the quota, so
 * a burst far over a per-minute quota drains at the quota's pace instead of timing out wholesale.
 *
 * <p>Threads: attempts are admitted only on the engine's own executor (the scheduler), in {@link #pump()}, and start
 * on the engine's start threads ({@value #START_THREADS}, its own too): {@code invoke()} does real work on the
 * calling thread (the SDK marshals, resolves credentials and signs there, ~0.5–2 ms per call), so a burst of
 * requests arriving together starts in parallel instead of one after the other behind a single thread. Everything
 * else — {@link #submit}, {@link #abandon}, the invoker's callbacks on SDK threads, timers — only changes state
 * and asks for a pump ({@link #requestPump()}), which queues at most one pump task and never runs it inline. So
 * {@code invoke()}, with whatever it does on the calling thread (the SDK resolves credentials there, and a refresh
 * may block), never runs on an SDK event-loop thread; and an invocation that fails inside {@code invoke()} ends
 * its attempt, which asks for a pump that is already running, instead of recursing into the next start: the
 * stack stays flat however many queued requests fail in a row.
 *
 * <p>Locking: one engine lock guards admission state (queue, counters, limiter, buckets, the pump flag); each
 * request's own monitor guards its events, so a request's listener calls never overlap and an abandoned request
 * never emits again; {@link #abandon} takes the monitor of every matching request, also of one whose outcome is
 * being delivered, so it returns only once their listener calls are over. The engine lock is never held while
 * calling the listener or the invoker, and a request's monitor is never taken while holding the engine lock.
 */
public final class StreamEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamEngine.class);

    final EngineSettings settings;
    final Invoker invoker;
    final EngineListener listener;
    final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    /** Where admitted attempts start; null: inline in the pump (tests with a scheduler of their own). */
    private final ExecutorService starter;

    /** Threads starting admitted attempts in parallel (each engine's own; idle ones cost nothing but a stack). */
    public static final int START_THREADS = 2;

    final LongSupplier nanoTime;
    private final Random random;
    final Backoff backoff;

    private final Object lock = new Object();
    // guarded by lock
    private final ArrayDeque<RequestRun> queue = new ArrayDeque<>();
    private final Map<String, ArrayDeque<RequestRun>> waitingForKey = new HashMap<>();
    private final Set<String> activeKeys = new java.util.HashSet<>();
    private final AdaptiveLimit adaptive;
    private final TokenBucket requestBucket;
    private final TokenBudget tokenBudget;
    /** Without a configured tokens-per-minute quota: learns one from throttling (null when off). */
    private final QuotaLearner quotaLearner;

    private int running;
    private int backingOff;
    private ScheduledFuture<?> pumpTimer;
    private long pumpTimerAtNanos;
    /** A pump task is queued or running; it admits again before it ends, so more requests need no new task. */
    private boolean pumpQueued;

    private boolean closed;

    /** Requests submitted whose outcome has not started to be delivered, and not abandoned: {@link #pending()}. */
    private final Set<RequestRun> live = ConcurrentHashMap.newKeySet();
    /**
     * Requests whose outcome the listener is being given (under the request's monitor): no longer pending, but
     * {@link #abandon} must still find them, to wait for that delivery to end before it returns.
     */
    private final Set<RequestRun> delivering = ConcurrentHashMap.newKeySet();

    public StreamEngine(EngineSettings settings, Invoker invoker, EngineListener listener) {
        this(settings, invoker, listener, START_THREADS);
    }

    /** With {@code startThreads} threads starting attempts (the benchmark compares 1 with the default). */
    public StreamEngine(EngineSettings settings, Invoker invoker, EngineListener listener, int startThreads) {
        this(
                settings,
                invoker,
                listener,
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bedrock-stream-engine");
                    t.setDaemon(true);
                    return t;
                }),
                true,
                startThreads(startThreads),
                System::nanoTime,
                ThreadLocalRandom.current());
    }

    private static ExecutorService startThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("startThreads must be at least 1");
        }
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "bedrock-stream-start-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** For tests: a given scheduler (not shut down by close), clock and jitter source. */
    StreamEngine(
            EngineSettings settings,
            Invoker invoker,
            EngineListener listener,
            ScheduledExecutorService scheduler,
            LongSupplier nanoTime,
            Random random) {
        this(settings, invoker, listener, scheduler, false, null, nanoTime, random);
    }

    /** For tests: a given scheduler and start executor (neither shut down by close), clock and jitter source. */
    StreamEngine(
            EngineSettings settings,
            Invoker invoker,
            EngineListener listener,
            ScheduledExecutorService scheduler,
            ExecutorService starter,
            LongSupplier nanoTime,
            Random random) {
        this(settings, invoker, listener, scheduler, false, starter, nanoTime, random);
    }

    private StreamEngine(
            EngineSettings settings,
            Invoker invoker,
            EngineListener listener,
            ScheduledExecutorService scheduler,
            boolean ownsScheduler,
            ExecutorService starter,
            LongSupplier nanoTime,
            Random random) {
        this.settings = Objects.requireNonNull(settings);
        this.invoker = Objects.requireNonNull(invoker);
        this.listener = Objects.requireNonNull(listener);
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.starter = starter;
        this.nanoTime = nanoTime;
        this.random = random;
        this.backoff = new Backoff(settings.retryBackoffMs(), settings.retryBackoffMaxMs());
        this.adaptive = new AdaptiveLimit(
                settings.minInFlight(),
                settings.maxInFlight(),
                TimeUnit.MILLISECONDS.toNanos(Math.max(1, settings.retryBackoffMs())));
        long now = nanoTime.getAsLong();
        int rpm = settings.requestsPerMinute();
        this.requestBucket = rpm <= 0 ? null : new TokenBucket(rpm, Math.max(1, Math.ceil(rpm / 60.0)), now);
        long tpm = settings.tokensPerMinute();
        boolean learn = tpm <= 0 && settings.quota().learn() && settings.quota().reserveAtStart();
        this.quotaLearner = learn
                ? new QuotaLearner(
                        TimeUnit.MILLISECONDS.toNanos(settings.quota().windowMs()), now)
                : null;
        this.tokenBudget = learn
                ? TokenBudget.unbounded(now)
                : tpm <= 0 ? null : new TokenBudget(tpm, settings.quota().windowMs(), now);
    }

    /** Accepts a request; never blocks. It queues, and starts on the engine's executor as soon as a slot is free. */
    public void submit(ModelRequest request) {
        Objects.requireNonNull(request);
        RequestRun run = new RequestRun(this, request);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("engine is closed");
            }
            live.add(run);
            String key = request.orderingKey();
            if (settings.perKeyOrdering() && key != null && !activeKeys.add(key)) {
                waitingForKey.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(run);
            } else {
                queue.addLast(run);
            }
        }
        requestPump();
    }

    /**
     * Requests submitted whose outcome is not delivered yet (and not abandoned). A request leaves this count as
     * its outcome goes to the listener, so inside {@code onOutcome} it no longer counts.
     */
    public int pending() {
        return live.size();
    }

    /** Invocations running plus requests backing off before a retry: what the limit bounds. */
    public int inFlight() {
        synchronized (lock) {
            return running + backingOff;
        }
    }

    /** Invocations running now. */
    public int running() {
        synchronized (lock) {
            return running;
        }
    }

    /** Requests waiting to start: in the queue, or behind an earlier request with the same ordering key. */
    int queued() {
        synchronized (lock) {
            int n = queue.size();
            for (ArrayDeque<RequestRun> waiting : waitingForKey.values()) {
                n += waiting.size();
            }
            return n;
        }
    }

    public int effectiveLimit() {
        synchronized (lock) {
            return limitLocked();
        }
    }

    private int limitLocked() {
        return settings.adaptiveConcurrency() ? adaptive.current() : settings.maxInFlight();
    }

    /**
     * Stops the requests matching {@code which} (e.g. of revoked partitions): running invocations are cancelled,
     * queued and backing-off ones dropped. Once this returns, nothing more is delivered for them: an outcome
     * being delivered when it is called is waited for (that request is not counted, its outcome went out).
     *
     * @return how many requests were abandoned
     */
    public int abandon(Predicate<ModelRequest> which) {
        List<RequestRun> matched = new ArrayList<>();
        for (RequestRun run : live) {
            if (which.test(run.request) && run.markAbandoned()) {
                matched.add(run);
            }
        }
        // after live: a run leaves live only once it is in delivering, so none slips between the two
        for (RequestRun run : delivering) {
            if (which.test(run.request)) {
                run.awaitDelivery();
            }
        }
        if (matched.isEmpty()) {
            return 0;
        }
        for (RequestRun run : matched) {
            live.remove(run);
            synchronized (lock) {
                queue.remove(run);
                ArrayDeque<RequestRun> waiting = waitingForKey.get(run.request.orderingKey());
                if (waiting != null && waiting.remove(run)) {
                    if (waiting.isEmpty()) {
                        waitingForKey.remove(run.request.orderingKey());
                    }
                    continue; // it never held the key
                }
            }
            run.stopAbandoned();
            releaseKey(run);
        }
        requestPump();
        return matched.size();
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true; // nothing starts from here on
            if (pumpTimer != null) {
                pumpTimer.cancel(false);
            }
        }
        abandon(r -> true);
        if (ownsScheduler) {
            scheduler.shutdownNow();
            // starts still queued are of abandoned requests: run here, each only gives its slot and its token
            // reservation back (dropped, they would hold them for good)
            for (Runnable queuedStart : starter.shutdownNow()) {
                queuedStart.run();
            }
        }
    }

    // --- called by RequestRun / AttemptRun

    /** Whether requests reserve tokens against {@code tokensPerMinute} (RequestRun estimates them only then). */
    boolean tokenQuotaOn() {
        return tokenBudget != null;
    }

    /** The tokens-per-minute budget, 0 when off. */
    long tokenQuota() {
        return tokenBudget == null ? 0 : tokenBudget.capacity();
    }

    /** Tokens reserved now by attempts that have not ended; 0 when idle, or without a tokens-per-minute quota. */
    public long tokensReserved() {
        synchronized (lock) {
            return tokenBudget == null ? 0 : tokenBudget.reserved();
        }
    }

    /** The tokens-per-minute budget's level now (what a reservation may take), 0 without one. */
    double tokenBudgetLevel() {
        synchronized (lock) {
            return tokenBudget == null ? 0 : tokenBudget.level(nanoTime.getAsLong());
        }
    }

    /** Attempts holding a token reservation now. */
    public int tokenReservations() {
        synchronized (lock) {
            return tokenBudget == null ? 0 : tokenBudget.holders();
        }
    }

    /** All tokens reserved at attempt starts since the engine started. */
    public long tokensReservedTotal() {
        synchronized (lock) {
            return tokenBudget == null ? 0 : tokenBudget.reservedTotal();
        }
    }

    /** All tokens settled (input + output × weight) at attempt ends since the engine started. */
    public long tokensSettledTotal() {
        synchronized (lock) {
            return tokenBudget == null ? 0 : tokenBudget.settledTotal();
        }
    }

    /**
     * An attempt gave its slot back; {@code throttled}/{@code completed} feed the adaptive limit, and its token
     * reservation settles to {@code usedTokens}.
     */
    void attemptEnded(RequestRun run, boolean throttled, boolean completed, long usedTokens) {
        synchronized (lock) {
            running--;
            long now = nanoTime.getAsLong();
            if (throttled) {
                adaptive.onThrottle(now);
            } else if (completed) {
                adaptive.onSuccess();
            }
            long reservation = run.heldTokens;
            settleLocked(run, usedTokens, now);
            if (throttled) {
                learnLocked(run, reservation, now);
            }
        }
        requestPump();
    }

    /** Settles the run's reservation, once: a second call (its slot already given back) finds none. */
    private void settleLocked(RequestRun run, long usedTokens, long now) {
        if (tokenBudget != null && run.heldTokens >= 0) {
            tokenBudget.settle(run.heldTokens, usedTokens, now);
            run.heldTokens = -1;
            if (quotaLearner != null) {
                quotaLearner.settled(usedTokens, now);
            }
        }
    }

    /**
     * A tokens-per-minute throttle sets or cuts the learned budget (without a configured quota); its floor is one
     * reservation.
     */
    private void learnLocked(RequestRun run, long reservation, long now) {
        if (quotaLearner != null
                && run.tokenThrottled
                && quotaLearner.onThrottle(run.admittedNanos, tokenBudget.reserved(), Math.max(1, reservation), now)) {
            tokenBudget.bound(quotaLearner.budget(), settings.quota().windowMs(), true, now);
        }
    }

    /** The learned budget, 0 until the first throttle (or without learning). */
    /** The tokens-per-minute budget learned from token throttles (rate.tokens.learn); 0 before the first one. */
    public long learnedTokenBudget() {
        synchronized (lock) {
            return quotaLearner == null || !quotaLearner.learned() ? 0 : (long) quotaLearner.budget();
        }
    }

    /**
     * A request starts backing off. With {@code fromSlot} its failed attempt's slot passes to the backoff in the
     * same step (running - 1, backing off + 1), so in flight never counts the request twice.
     */
    void backoffStarted(RequestRun run, boolean fromSlot, boolean throttled, long usedTokens) {
        synchronized (lock) {
            backingOff++;
            if (fromSlot) {
                running--;
                long now = nanoTime.getAsLong();
                if (throttled) {
                    adaptive.onThrottle(now);
                }
                long reservation = run.heldTokens;
                settleLocked(run, usedTokens, now);
                if (throttled) {
                    learnLocked(run, reservation, now);
                }
            }
        }
        if (fromSlot && tokenBudget != null) {
            requestPump(); // the settle gave tokens back, which queued requests may be waiting for
        }
    }

    /** A backoff timer fired: the retry goes ahead of new requests. */
    void backoffEnded(RequestRun run, boolean requeue) {
        synchronized (lock) {
            backingOff--;
            if (requeue && !closed) {
                queue.addFirst(run);
            }
        }
        requestPump();
    }

    /** Inside the run's monitor, before the listener hears of its outcome: pending() drops now. */
    void outcomeDelivering(RequestRun run) {
        delivering.add(run);
        live.remove(run);
    }

    /** The request's outcome is delivered (or it was abandoned): a later request with its ordering key may go. */
    void requestFinished(RequestRun run) {
        live.remove(run);
        delivering.remove(run);
        releaseKey(run);
        requestPump();
    }

    private void releaseKey(RequestRun run) {
        if (!settings.perKeyOrdering() || run.request.orderingKey() == null) {
            return;
        }
        synchronized (lock) {
            String key = run.request.orderingKey();
            ArrayDeque<RequestRun> waiting = waitingForKey.get(key);
            if (waiting == null || waiting.isEmpty()) {
                waitingForKey.remove(key);
                activeKeys.remove(key);
            } else {
                queue.addLast(waiting.pollFirst());
                if (waiting.isEmpty()) {
                    waitingForKey.remove(key);
                }
            }
        }
    }

    boolean isRetryable(InvocationFailure f) {
        return switch (f.kind()) {
            case THROTTLING -> true;
            case TRANSIENT -> settings.retriesTransient(f.errorType());
            case INVALID_REQUEST, CONFIGURATION -> false;
        };
    }

    long nextBackoffMs(int failedAttempt) {
        synchronized (lock) {
            return backoff.delayMs(failedAttempt, random);
        }
    }

    static boolean isThrottling(InvocationFailure f) {
        return f.kind() == ErrorKind.THROTTLING;
    }

    /**
     * Bedrock's tokens-per-minute quota refused the call ("Too many tokens, please wait before trying again."), not
     * its requests-per-minute quota ("Too many requests"), its tokens-per-day quota ("Too many tokens per day") or
     * anything else: only this teaches the learned budget.
     */
    static boolean isTokenThrottle(InvocationFailure f) {
        return isThrottling(f) && (saysTooManyTokens(f.message()) || saysTooManyTokens(f.originalMessage()));
    }

    private static boolean saysTooManyTokens(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        // "Too many tokens per day" is the daily quota: waiting a minute does not help, so it teaches nothing
        return m.contains("too many tokens") && !m.contains("per day");
    }

    /**
     * Asks for {@link #pump()} on the engine's executor; any thread may call it, and it never runs the pump on
     * the caller's thread. Coalesced: while a pump task is queued or running, this does nothing.
     */
    void requestPump() {
        synchronized (lock) {
            if (closed || pumpQueued) {
                return;
            }
            pumpQueued = true;
        }
        try {
            scheduler.execute(this::pump);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                pumpQueued = false; // the scheduler is shut down: the engine is closing
            }
        }
    }

    /**
     * Admits as many queued requests as the limit and the rate caps allow and hands each to the start threads
     * (or starts it inline without them); runs only as the engine executor's pump task. Admits again after each
     * round (an inline start may have failed at once and freed its slot; a start that fails on a start thread
     * asks for a pump), and clears the pump flag in the same locked step that finds nothing more to admit.
     */
    private void pump() {
        boolean cleared = false;
        try {
            while (true) {
                List<RequestRun> toStart = new ArrayList<>();
                synchronized (lock) {
                    if (!closed) {
                        admitLocked(toStart);
                    }
                    if (toStart.isEmpty()) {
                        pumpQueued = false;
                        cleared = true;
                        return;
                    }
                }
                for (RequestRun run : toStart) {
                    if (starter == null) {
                        start(run);
                        continue;
                    }
                    try {
                        starter.execute(() -> start(run));
                    } catch (Throwable e) {
                        // it holds a slot and is off the queue: it must start here or it is lost with its slot.
                        // RejectedExecutionException only once close() shut the start threads down (the request
                        // is abandoned already, and startAttempt() of an abandoned request just gives its slot
                        // back); an Error when the pool cannot create a thread ("unable to create native thread")
                        if (!(e instanceof RejectedExecutionException)) {
                            log.warn(
                                    "could not hand request {} to a start thread; starting it on the engine thread",
                                    run.request.requestId(),
                                    e);
                        }
                        start(run);
                    }
                }
            }
        } catch (Throwable e) {
            // the executor would swallow it unlogged
            log.error("the engine's pump failed; it is asked for again", e);
            throw e;
        } finally {
            if (!cleared) {
                // with the flag left set, every later requestPump() would do nothing and the engine stall
                synchronized (lock) {
                    pumpQueued = false;
                }
                requestPump();
            }
        }
    }

    /** Starts a request's attempt; each request taken off the queue starts, whatever the one before it threw. */
    private static void start(RequestRun run) {
        try {
            run.startAttempt();
        } catch (Throwable e) {
            log.error("starting an invocation of request {} failed", run.request.requestId(), e);
        }
    }

    /** Takes the requests that may start now off the queue, each with a slot; arms the rate-cap timer. */
    private void admitLocked(List<RequestRun> toStart) {
        long now = nanoTime.getAsLong();
        long waitNanos = 0;
        if (quotaLearner != null && quotaLearner.tick(tokenBudget.reserved(), now)) {
            tokenBudget.bound(quotaLearner.budget(), settings.quota().windowMs(), false, now);
        }
        while (!queue.isEmpty() && running + backingOff < limitLocked()) {
            if (queue.peekFirst().isAbandoned()) {
                queue.pollFirst();
                continue;
            }
            RequestRun head = queue.peekFirst();
            waitNanos = rateWaitNanos(head, now);
            if (waitNanos > 0) {
                break;
            }
            if (requestBucket != null) {
                requestBucket.take(1, now);
            }
            if (tokenBudget != null && !head.exceedsTokenQuota()) {
                tokenBudget.reserve(head.tokenReservation(), now);
                head.heldTokens = head.tokenReservation();
                head.admittedNanos = now;
            }
            toStart.add(queue.pollFirst());
            running++;
        }
        if (waitNanos > 0 && pumpTimer != null && now + waitNanos < pumpTimerAtNanos) {
            // a settle made room sooner than the timer armed before it
            pumpTimer.cancel(false);
            pumpTimer = null;
        }
        if (waitNanos > 0 && pumpTimer == null) {
            pumpTimerAtNanos = now + waitNanos;
            pumpTimer = scheduler.schedule(
                    () -> {
                        synchronized (lock) {
                            pumpTimer = null;
                        }
                        requestPump();
                    },
                    waitNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    private long rateWaitNanos(RequestRun head, long now) {
        long wait = 0;
        if (requestBucket != null) {
            wait = Math.max(wait, requestBucket.nanosUntil(1, now));
        }
        if (tokenBudget != null && !head.exceedsTokenQuota()) {
            wait = Math.max(wait, tokenBudget.nanosUntilFits(head.tokenReservation(), now));
        }
        return wait;
    }
}
