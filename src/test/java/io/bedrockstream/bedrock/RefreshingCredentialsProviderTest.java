package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The refresh schedule and the non-blocking hand-out, with a scripted fetch in place of STS. */
class RefreshingCredentialsProviderTest {

    private static final RefreshTiming FAST = new RefreshTiming(
            Duration.ofMillis(400),
            Duration.ofMillis(200),
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            Duration.ofMinutes(15),
            Duration.ofMillis(300));

    /** Each fetch takes the next outcome: credentials, or an exception to throw. */
    private static final class Script implements RefreshingCredentialsProvider.Fetch {
        final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();
        final AtomicInteger fetches = new AtomicInteger();

        @Override
        public AwsCredentials fetch() throws Exception {
            fetches.incrementAndGet();
            Object next = outcomes.take();
            if (next instanceof Exception e) {
                throw e;
            }
            return (AwsCredentials) next;
        }
    }

    private static AwsCredentials credentials(String id, Duration lifetime) {
        return AwsSessionCredentials.builder()
                .accessKeyId(id)
                .secretAccessKey("s")
                .sessionToken("t-" + id)
                .expirationTime(Instant.now().plus(lifetime))
                .build();
    }

    private static RefreshingCredentialsProvider provider(Script script) {
        return provider(script, FAST);
    }

    private static RefreshingCredentialsProvider provider(Script script, RefreshTiming timing) {
        return new RefreshingCredentialsProvider(
                "test source",
                script,
                e -> CredentialFailures.describe("test source", "Fix it.", e, java.util.List.of()),
                timing,
                null);
    }

    @Test
    void theFirstCallWaitsAsynchronouslyForTheFirstFetchWhichRunsOnTheRefreshThread() throws Exception {
        Script script = new Script();
        try (RefreshingCredentialsProvider provider = provider(script)) {
            CompletableFuture<AwsCredentialsIdentity> first =
                    provider.resolveIdentity(r -> {}).thenApply(c -> c);
            assertThat(first).isNotDone();

            script.outcomes.add(credentials("A", Duration.ofHours(1)));

            assertThat(first.get(5, TimeUnit.SECONDS).accessKeyId()).isEqualTo("A");
            assertThat(provider.resolveIdentity().getNow(null).accessKeyId()).isEqualTo("A");
            assertThat(script.fetches.get()).isEqualTo(1);
            assertThat(provider.refreshThreads()).singleElement().asString().startsWith("bedrock-credentials-refresh-");
        }
    }

    @Test
    void credentialsAreReplacedBeforeTheyGoStaleAndStaleOnesAreNeverHandedOut() throws Exception {
        Script script = new Script();
        try (RefreshingCredentialsProvider provider = provider(script)) {
            script.outcomes.add(credentials("A", Duration.ofMillis(600)));
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("A");
            // prefetch 400 ms before expiry: the next fetch starts ~200 ms in, well before "A" is stale
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (script.fetches.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(script.fetches.get()).isEqualTo(2);
            Thread.sleep(500); // "A" is now stale: callers wait for "B" rather than get "A"
            CompletableFuture<? extends AwsCredentialsIdentity> waiting = provider.resolveIdentity();
            assertThat(waiting).isNotDone();
            script.outcomes.add(credentials("B", Duration.ofHours(1)));
            assertThat(waiting.get(5, TimeUnit.SECONDS).accessKeyId()).isEqualTo("B");
        }
    }

    @Test
    void afterAFailedFetchCallsFailAtOnceWithTheReasonUntilARetrySucceeds() throws Exception {
        Script script = new Script();
        // a retry 500 ms later, not 50: on a loaded machine a 50 ms retry could already be running (and the
        // call joining it) by the time the assertion below calls again
        RefreshTiming slowRetry = new RefreshTiming(
                Duration.ofMillis(400),
                Duration.ofMillis(200),
                Duration.ofMillis(500),
                Duration.ofMillis(1000),
                Duration.ofMinutes(15));
        try (RefreshingCredentialsProvider provider = provider(script, slowRetry)) {
            script.outcomes.add(new IllegalStateException("Profile file contained no credentials for profile 'x'"));
            assertThatThrownBy(provider::resolveCredentials)
                    .isInstanceOfSatisfying(
                            CredentialsUnavailableException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIGURATION))
                    .hasMessage("test source gave no credentials: Profile file contained no credentials for profile "
                            + "'x'. Fix it.");
            assertThat(provider.resolveIdentity()).isCompletedExceptionally();

            script.outcomes.add(credentials("A", Duration.ofHours(1))); // the retry, ~500 ms later
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (provider.resolveIdentity().isCompletedExceptionally() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("A");
        }
    }

    @Test
    void aFailedRefreshKeepsHandingOutCredentialsThatAreStillUsable() throws Exception {
        Script script = new Script();
        try (RefreshingCredentialsProvider provider = provider(script)) {
            script.outcomes.add(credentials("A", Duration.ofMillis(1500)));
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("A");
            script.outcomes.add(new java.net.SocketTimeoutException("Read timed out"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (script.fetches.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50);
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("A");
        }
    }

    @Test
    void onANettyEventLoopAWaitingCallerFailsAtOnceInsteadOfBlocking() throws Exception {
        Script script = new Script();
        DefaultEventLoop loop = new DefaultEventLoop();
        try (RefreshingCredentialsProvider provider = provider(script)) {
            CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    provider.resolveCredentials();
                    onLoop.complete(null);
                } catch (RuntimeException e) {
                    onLoop.complete(e);
                }
            });
            assertThat(onLoop.get(1, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(
                            CredentialsUnavailableException.class,
                            e -> assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT))
                    .hasMessage("test source is still fetching credentials; not waiting for them on a Netty event "
                            + "loop thread");
            script.outcomes.add(credentials("A", Duration.ofHours(1)));
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void closeFailsWhatWaitsAndStopsTheRefreshThread() throws Exception {
        Script script = new Script();
        CountDownLatch closedTwice = new CountDownLatch(2);
        RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(
                "test source",
                script,
                e -> CredentialFailures.describe("test source", "", e, java.util.List.of()),
                FAST,
                closedTwice::countDown);
        CompletableFuture<? extends AwsCredentialsIdentity> waiting = provider.resolveIdentity();

        provider.close();
        provider.close();

        assertThatThrownBy(() -> waiting.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("test source is closed");
        assertThat(closedTwice.getCount()).as("onClose runs once").isEqualTo(1);
        assertThat(provider.resolveIdentity()).isCompletedExceptionally();
    }
    /**
     * A fetch that never returns (a profile's credential_process waiting for MFA input: the SDK calls
     * Process.waitFor() without a timeout) is given up on after the fetch timeout: the calls waiting for it fail
     * as transient, naming the provider, and the next try runs (on a fresh thread if need be).
     */
    @Test
    void aFetchThatNeverReturnsIsGivenUpOnAfterTheFetchTimeoutAndTriedAgain() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        RefreshingCredentialsProvider.Fetch fetch = () -> {
            if (fetches.incrementAndGet() == 1) {
                never.await(); // hangs until interrupted
            }
            return credentials("B", Duration.ofHours(1));
        };
        try (RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(
                "test source",
                fetch,
                e -> CredentialFailures.describe("test source", "Fix it.", e, java.util.List.of()),
                FAST,
                null)) {
            CompletableFuture<? extends AwsCredentialsIdentity> call = provider.resolveIdentity();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(CredentialsUnavailableException.class)
                    .hasMessageContaining("no credentials after 0.3 s from test source")
                    .satisfies(e -> assertThat(((CredentialsUnavailableException) e).kind())
                            .isEqualTo(ErrorKind.TRANSIENT));
            awaitCredentials(provider, "B");
            assertThat(fetches.get()).isEqualTo(2);
        } finally {
            never.countDown();
        }
    }

    @Test
    void fetchesThatIgnoreInterruptsAndNeverReturnLeakNoMoreThanOneThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetches = new AtomicInteger();
        RefreshingCredentialsProvider.Fetch fetch = () -> {
            fetches.incrementAndGet();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // like a blocking read that does not answer interrupts
                }
            }
            return credentials("C", Duration.ofHours(1));
        };
        long before = refreshThreadsAlive();
        try (RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(
                "test source",
                fetch,
                e -> CredentialFailures.describe("test source", "Fix it.", e, java.util.List.of()),
                FAST,
                null)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (fetches.get() < 2 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            Thread.sleep(2_000); // several more fetch timeouts and retries
            assertThat(refreshThreadsAlive() - before)
                    .as("refresh threads alive")
                    .isLessThanOrEqualTo(3);
            assertThatThrownBy(() -> provider.resolveIdentity().get(2, TimeUnit.SECONDS))
                    .as("a call fails within the fetch timeout")
                    .isInstanceOf(ExecutionException.class);
            release.countDown();
            awaitCredentials(provider, "C");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anErrorThrownByAFetchStillAnswersTheWaitingCallsAndIsRetried() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        RefreshingCredentialsProvider.Fetch fetch = () -> {
            if (fetches.incrementAndGet() == 1) {
                throw new AssertionError("a bug in a provider");
            }
            return credentials("D", Duration.ofHours(1));
        };
        try (RefreshingCredentialsProvider provider = new RefreshingCredentialsProvider(
                "test source",
                fetch,
                e -> CredentialFailures.describe("test source", "Fix it.", e, java.util.List.of()),
                FAST,
                null)) {
            CompletableFuture<? extends AwsCredentialsIdentity> call = provider.resolveIdentity();
            assertThatThrownBy(() -> call.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(CredentialsUnavailableException.class);
            awaitCredentials(provider, "D");
        }
    }

    @Test
    void aRefreshThatRunsAfterCloseDoesNothing() throws Exception {
        Script script = new Script();
        RefreshingCredentialsProvider provider = provider(script);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (script.fetches.get() == 0 && System.nanoTime() < end) {
            Thread.sleep(5); // the first fetch is under way, so close() interrupts it
        }
        provider.close();
        script.outcomes.add(credentials("E", Duration.ofHours(1)));
        // as a refresh task that was queued when close() came: it neither throws nor fetches
        provider.refresh(new CompletableFuture<>());
        assertThat(script.fetches.get()).as("fetches, the first one included").isEqualTo(1);
        assertThat(provider.resolveIdentity()).isCompletedExceptionally();
    }

    private static void awaitCredentials(RefreshingCredentialsProvider provider, String accessKeyId) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            CompletableFuture<? extends AwsCredentialsIdentity> f = provider.resolveIdentity();
            try {
                if (accessKeyId.equals(f.get(5, TimeUnit.SECONDS).accessKeyId())) {
                    return;
                }
            } catch (ExecutionException e) {
                assertThat(System.nanoTime())
                        .as("credentials %s within 10 s: %s", accessKeyId, e.getCause())
                        .isLessThan(end);
            }
            Thread.sleep(20);
        }
    }

    private static long refreshThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("bedrock-credentials-"))
                .count();
    }
}
