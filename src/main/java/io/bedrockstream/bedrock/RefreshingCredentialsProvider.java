package io.bedrockstream.bedrock;

import io.netty.channel.EventLoop;
import io.netty.util.internal.ThreadExecutorMap;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Keeps credentials fresh on a thread of its own, so the SDK never resolves them on the thread that starts a
 * call (possibly a Netty event loop, where a blocking STS call can deadlock the very loop it needs). A fetch
 * (STS, the default chain, a profile) runs only on the refresh thread: once at start, then ahead of expiry
 * ({@link RefreshTiming#prefetchBefore()}), and again after a failure with backoff.
 * <p>
 * Threads: the timer thread only schedules (refreshes, and each fetch's deadline) and never blocks; fetches run
 * on the refresh thread. A fetch still running at its deadline ({@link RefreshTiming#fetchTimeout()}: a
 * credential_process waiting for input, an endpoint that never answers) fails the calls waiting for it, is
 * interrupted, and is tried again after backoff on a fresh refresh thread, unless an earlier overrun thread is
 * still stuck too: then the retry waits behind the current one, so at most two threads are ever held by fetches
 * that do not end. A fetch that ends after its deadline has no say any more.
 * <p>
 * The SDK asks through {@link #resolveIdentity}, which never blocks: it returns the current credentials while
 * they are usable (not within {@link RefreshTiming#staleBefore()} of expiry), else the refresh under way,
 * which the SDK waits for asynchronously before signing; after a failed refresh it fails at once with the reason
 * ({@link CredentialsUnavailableException}) until a retry succeeds.
 */
final class RefreshingCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {

    /** Fetches credentials, blocking; called only on the refresh thread. */
    @FunctionalInterface
    interface Fetch {
        AwsCredentials fetch() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(RefreshingCredentialsProvider.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final Duration SYNC_WAIT = Duration.ofSeconds(30);
    private static final int THREAD_NAMES_KEPT = 64;

    private final String source;
    private final Fetch fetch;
    private final Function<Throwable, CredentialsUnavailableException> describe;
    private final RefreshTiming timing;
    private final AutoCloseable onClose;
    private final ScheduledThreadPoolExecutor timer;

    // guarded by this
    private ExecutorService fetcher;
    /** The refresh thread replaced after an overrun; its fetch may still be stuck. */
    private ExecutorService overrunFetcher;

    private Future<?> fetchTask;
    private ScheduledFuture<?> fetchDeadline;
    private Snapshot current;
    /** The calls waiting for the fetch under way; a fetch counts only while this is still its future. */
    private CompletableFuture<AwsCredentials> inFlight;

    private CredentialsUnavailableException lastFailure;
    private int failuresInARow;
    private ScheduledFuture<?> next;
    private boolean closed;
    private final Deque<String> refreshThreads = new ArrayDeque<>();

    /** Credentials and the instants they become stale and due for a refresh (null: no expiry). */
    private record Snapshot(AwsCredentials credentials, Instant staleAt, Instant refreshAt) {
        boolean usableAt(Instant now) {
            return staleAt == null || now.isBefore(staleAt);
        }
    }

    /**
     * Starts the first fetch at once.
     *
     * @param source   the provider and its setting, for messages and logs (no secrets)
     * @param describe turns a fetch failure into the reason requests fail with
     * @param onClose  what else to close with this (an STS client, the SDK provider), or null
     */
    RefreshingCredentialsProvider(
            String source,
            Fetch fetch,
            Function<Throwable, CredentialsUnavailableException> describe,
            RefreshTiming timing,
            AutoCloseable onClose) {
        this.source = source;
        this.fetch = fetch;
        this.describe = describe;
        this.timing = timing;
        this.onClose = onClose;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("bedrock-credentials-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        synchronized (this) {
            fetcher = newFetcher();
            startRefresh();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        return r -> {
            Thread t = new Thread(r, prefix + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ExecutorService newFetcher() {
        return Executors.newSingleThreadExecutor(daemon("bedrock-credentials-refresh-"));
    }

    @Override
    public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
        return credentials().thenApply(c -> c);
    }

    /**
     * For callers outside the SDK's async pipeline: waits for a refresh under way, at most {@link #SYNC_WAIT}, but
     * never on a Netty event loop, which it would stall.
     */
    @Override
    public AwsCredentials resolveCredentials() {
        CompletableFuture<AwsCredentials> f = credentials();
        try {
            if (!f.isDone() && onEventLoop()) {
                throw new CredentialsUnavailableException(
                        ErrorKind.TRANSIENT,
                        source + " is still fetching credentials; not waiting for them on a Netty event loop thread");
            }
            return f.get(SYNC_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            throw new CredentialsUnavailableException(
                    ErrorKind.TRANSIENT,
                    source + " did not deliver credentials" + " within " + SYNC_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsUnavailableException(ErrorKind.TRANSIENT, "interrupted waiting for " + source);
        }
    }

    private synchronized CompletableFuture<AwsCredentials> credentials() {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new CredentialsUnavailableException(ErrorKind.TRANSIENT, source + " is closed"));
        }
        if (current != null && current.usableAt(Instant.now())) {
            return CompletableFuture.completedFuture(current.credentials());
        }
        if (inFlight != null) {
            return inFlight.copy(); // a copy: a caller that cancels must not cancel it for everyone
        }
        if (lastFailure != null) {
            return CompletableFuture.failedFuture(lastFailure); // the next retry is scheduled
        }
        // usable credentials ran out before their refresh came (e.g. the clock jumped): fetch now
        return startRefresh().copy();
    }

    /** Names of the threads refreshes ran on, oldest first (the last {@value #THREAD_NAMES_KEPT}). */
    synchronized List<String> refreshThreads() {
        return List.copyOf(refreshThreads);
    }

    private CompletableFuture<AwsCredentials> startRefresh() {
        if (inFlight == null) {
            cancelNext();
            startFetch();
        }
        return inFlight;
    }

    private synchronized void scheduledRefresh() {
        next = null;
        if (!closed && inFlight == null) {
            startFetch();
        }
    }

    /** Guarded by this: starts a fetch for a new {@link #inFlight}, with its deadline. */
    private void startFetch() {
        CompletableFuture<AwsCredentials> waiting = new CompletableFuture<>();
        inFlight = waiting;
        fetchTask = fetcher.submit(() -> refresh(waiting));
        fetchDeadline = timer.schedule(
                () -> fetchOverran(waiting), timing.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * On the refresh thread: fetches for the calls in {@code waiting}, which it always completes, unless that
     * fetch was given up on (its deadline, or close) before it ended: then whoever gave up answers them.
     */
    void refresh(CompletableFuture<AwsCredentials> waiting) {
        try {
            synchronized (this) {
                if (inFlight != waiting) {
                    return; // it waited behind a stuck fetch past its deadline, or the provider was closed
                }
                if (refreshThreads.size() == THREAD_NAMES_KEPT) {
                    refreshThreads.removeFirst();
                }
                refreshThreads.addLast(Thread.currentThread().getName());
            }
            AwsCredentials fetched = null;
            CredentialsUnavailableException failure = null;
            try {
                fetched = fetch.fetch();
            } catch (Exception | LinkageError e) {
                failure = describe.apply(e);
            } catch (Throwable e) {
                // a bug or the JVM in trouble: say so, and let the retries decide whether it passes
                log.error("{} failed fetching credentials", source, e);
                failure = new CredentialsUnavailableException(
                        ErrorKind.TRANSIENT, source + " failed fetching credentials (" + e + "); it keeps trying.");
            }
            publish(waiting, fetched, failure);
        } finally {
            // only if nothing answered them yet: whoever clears inFlight (publish, the deadline, close) does
            CredentialsUnavailableException unanswered = null;
            synchronized (this) {
                if (inFlight == waiting) {
                    inFlight = null;
                    fetchDeadline.cancel(false);
                    unanswered = new CredentialsUnavailableException(
                            ErrorKind.TRANSIENT, source + " failed to deliver credentials; it keeps trying.");
                    failed(unanswered);
                }
            }
            if (unanswered != null) {
                waiting.completeExceptionally(unanswered);
            }
        }
    }

    private void publish(
            CompletableFuture<AwsCredentials> waiting,
            AwsCredentials fetched,
            CredentialsUnavailableException failure) {
        synchronized (this) {
            if (inFlight != waiting) {
                log.debug("{}: a fetch ended after it was given up on; its result is dropped", source);
                return;
            }
            inFlight = null;
            fetchDeadline.cancel(false);
            if (failure == null) {
                current = snapshot(fetched, Instant.now());
                lastFailure = null;
                failuresInARow = 0;
                schedule(
                        current.refreshAt() == null
                                ? timing.noExpiry()
                                : atLeast(Duration.between(Instant.now(), current.refreshAt()), timing.retryMin()));
            } else {
                failed(failure);
            }
        }
        // outside the lock: the SDK's waiting calls continue (sign and send) on this thread
        if (failure == null) {
            waiting.complete(fetched);
        } else {
            waiting.completeExceptionally(failure);
        }
    }

    /** Guarded by this. */
    private void failed(CredentialsUnavailableException failure) {
        lastFailure = failure;
        failuresInARow++;
        Duration retry = backoff(failuresInARow);
        log.warn("{} (next try in {} ms)", failure.getMessage(), retry.toMillis());
        schedule(retry);
    }

    /** On the timer thread, at a fetch's deadline: answers its calls, interrupts it and tries again. */
    private void fetchOverran(CompletableFuture<AwsCredentials> waiting) {
        CredentialsUnavailableException failure;
        synchronized (this) {
            if (inFlight != waiting) {
                return; // it ended in time
            }
            inFlight = null;
            long ms = timing.fetchTimeout().toMillis();
            failure = new CredentialsUnavailableException(
                    ErrorKind.TRANSIENT,
                    "no credentials after "
                            + (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + " s from "
                            + source + "; the fetch is abandoned and tried again");
            fetchTask.cancel(true); // Process.waitFor(), sleeps and interruptible I/O give up
            if (overrunFetcher == null || overrunFetcher.isTerminated()) {
                fetcher.shutdown(); // its thread ends when its fetch does
                overrunFetcher = fetcher;
                fetcher = newFetcher();
            }
            failed(failure);
        }
        waiting.completeExceptionally(failure);
    }

    /** When to stop handing credentials out and when to refresh them, also for credentials that live briefly. */
    private Snapshot snapshot(AwsCredentials credentials, Instant now) {
        Instant expiry = credentials.expirationTime().orElse(null);
        if (expiry == null) {
            return new Snapshot(credentials, null, null);
        }
        Duration lifetime = Duration.between(now, expiry);
        Instant staleAt = latest(expiry.minus(timing.staleBefore()), now.plus(lifetime.dividedBy(2)));
        Instant refreshAt = latest(
                expiry.minus(timing.prefetchBefore()),
                now.plus(Duration.between(now, staleAt).dividedBy(2)));
        return new Snapshot(credentials, staleAt, refreshAt);
    }

    private Duration backoff(int failures) {
        long millis = timing.retryMin().toMillis() << Math.min(20, failures - 1);
        return Duration.ofMillis(Math.min(millis, timing.retryMax().toMillis()));
    }

    private void schedule(Duration delay) {
        cancelNext();
        next = timer.schedule(this::scheduledRefresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelNext() {
        if (next != null) {
            next.cancel(false);
            next = null;
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Duration atLeast(Duration d, Duration min) {
        return d.compareTo(min) < 0 ? min : d;
    }

    private static boolean onEventLoop() {
        return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
    }

    /** Stops refreshing at once; a fetch under way is abandoned (its thread is a daemon and ends with it). */
    @Override
    public void close() {
        CompletableFuture<AwsCredentials> waiting;
        synchronized (this) {
            if (closed) {
                return; // the SDK closes a client's provider more than once
            }
            closed = true;
            cancelNext();
            waiting = inFlight;
            inFlight = null;
            fetcher.shutdownNow();
            if (overrunFetcher != null) {
                overrunFetcher.shutdownNow();
            }
        }
        timer.shutdownNow();
        if (waiting != null) {
            waiting.completeExceptionally(
                    new CredentialsUnavailableException(ErrorKind.TRANSIENT, source + " is closed"));
        }
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                log.debug("closing {} failed", source, e);
            }
        }
    }

    @Override
    public String toString() {
        return "RefreshingCredentialsProvider[" + source + "]";
    }
}
