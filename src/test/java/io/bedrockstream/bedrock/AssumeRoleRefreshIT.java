package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.emulator.EmulatorStats;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.model.ParsedChunk;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code assume-role} while streams are open: the emulator's STS issues credentials that live 3 s, so over 10 s
 * the provider must refresh several times. Streams are chained from the SDK's own callback threads (where the
 * engine used to start its next attempt), so a refresh that ran on the calling thread would run on Netty's event
 * loop: this shows it never does, and that every call was signed with a session token that was still valid.
 */
class AssumeRoleRefreshIT {

    private static final String BASE_KEY = "AKIAREFRESHBASE00001";
    private static final String BASE_SECRET = "refresh/base+secret";
    private static final String ROLE = "arn:aws:iam::123456789012:role/bedrock-invoker";
    private static final Duration LIFETIME = Duration.ofSeconds(3);
    /** Scaled down from 5 min / 1 min: refresh 2 s before expiry, never sign with less than 1 s left. */
    private static final RefreshTiming TIMING = new RefreshTiming(
            Duration.ofSeconds(2),
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            Duration.ofMinutes(15));

    private static final Duration RUN_FOR = Duration.ofSeconds(10);
    private static final int CHAINS = 16;

    private static BedrockEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials(BASE_KEY, BASE_SECRET)
                .stsRoles(Set.of(ROLE))
                .credentialLifetime(LIFETIME)
                .build());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void streamsAcrossSeveralRefreshesAllCompleteSignedWithValidTokensAndNoRefreshRunsOnAnSdkThread() throws Exception {
        AssumeRoleCredentialsProvider provider = AssumeRoleCredentialsProvider.create(
                "us-east-1",
                ROLE,
                null,
                "refresh-it",
                emulator.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_KEY, BASE_SECRET)),
                TIMING);
        Chains chains = new Chains(System.nanoTime() + RUN_FOR.toNanos());
        try (StreamingInvoker invoker = new StreamingInvoker(
                BedrockClientFactory.create(EmulatorFixtures.settings(emulator).build(), provider),
                ChunkParsers::forFamily,
                true)) {
            for (int i = 0; i < CHAINS; i++) {
                chains.next(invoker);
            }
            assertThat(chains.done.await(RUN_FOR.toSeconds() + 30, TimeUnit.SECONDS))
                    .as(
                            "all chains end; started %d, completed %d, failures %s, refresh threads %s",
                            chains.started.get(), chains.completed.get(), chains.failures, provider.refreshThreads())
                    .isTrue();
        }

        EmulatorStats stats = emulator.stats();
        System.out.printf(
                "AssumeRoleRefreshIT: %d streams, STS %s, refreshes on %s%n",
                chains.completed.get(), stats.stsCalls(), Set.copyOf(provider.refreshThreads()));
        assertThat(chains.failures).isEmpty();
        assertThat(chains.completed.get()).isEqualTo(chains.started.get()).isGreaterThan(CHAINS * 5);
        // the scenario: next streams really were started from SDK threads
        assertThat(chains.startThreads)
                .anyMatch(name ->
                        name.startsWith("aws-java-sdk-NettyEventLoop") || name.startsWith("sdk-async-response"));
        // every call reached the model signed with issued credentials that had not expired
        assertThat(stats.calls()).isEqualTo(chains.started.get());
        assertThat(stats.callsWithSessionToken()).isEqualTo(stats.calls());
        assertThat(stats.requests().values())
                .allSatisfy(attempts ->
                        assertThat(attempts).extracting(Attempt::outcome).containsOnly("complete"));
        // several refreshes, all on the provider's own thread
        assertThat(stats.stsCalls("AssumeRole", "ok")).isGreaterThanOrEqualTo(4);
        assertThat(stats.stsCalls()).containsOnlyKeys("AssumeRole ok");
        assertThat(provider.refreshThreads())
                .hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(name -> assertThat(name).startsWith("bedrock-credentials-refresh"));
    }

    /** CHAINS sequences of streams; each starts its next stream from the callback that ended the last one. */
    private static final class Chains {
        final long deadlineNanos;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final Queue<InvocationFailure> failures = new ConcurrentLinkedQueue<>();
        final Set<String> startThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final CountDownLatch done = new CountDownLatch(CHAINS);

        Chains(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        void next(StreamingInvoker invoker) {
            int n = started.incrementAndGet();
            startThreads.add(Thread.currentThread().getName());
            invoker.invoke(anthropic("r-" + n, "words=8 per_chunk=1 delay_ms=60", n), new InvocationListener() {
                @Override
                public void onChunk(long seq, String rawChunkJson, ParsedChunk chunk) {}

                @Override
                public void onComplete(InvocationResult result) {
                    completed.incrementAndGet();
                    ended(invoker);
                }

                @Override
                public void onFailure(InvocationFailure failure) {
                    failures.add(failure);
                    done.countDown(); // a failed chain stops
                }
            });
        }

        private void ended(StreamingInvoker invoker) {
            if (System.nanoTime() < deadlineNanos) {
                next(invoker);
            } else {
                done.countDown();
            }
        }
    }

    static List<String> names(Queue<InvocationFailure> failures) {
        return failures.stream().map(f -> f.errorType() + ": " + f.message()).toList();
    }
}
