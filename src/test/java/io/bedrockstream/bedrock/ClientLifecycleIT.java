package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A task that starts and stops leaves nothing behind: each cycle builds the client the way a task does, streams
 * one request through the emulator and closes the invoker; afterwards the SDK's and the connector's threads and
 * the sockets to the emulator are back where they started, and closing fits in Connect's 5 s stop budget.
 */
public class ClientLifecycleIT {

    private static final int CYCLES = 50;
    /** Threads the Bedrock client starts: Netty's event loops, the SDK's completion and timer pools, ours. */
    private static final List<String> CLIENT_THREAD_PREFIXES =
            List.of("aws-java-sdk-NettyEventLoop", "sdk-async-response", "sdk-ScheduledExecutor", "bedrock-");
    /** Well inside task.shutdown.graceful.timeout.ms (5 s), which the task's other closes share. */
    private static final Duration CLOSE_BUDGET = Duration.ofSeconds(1);

    private static BedrockEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials("AKIDTEST", "secret").build());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void fiftyStartStopCyclesLeaveNoThreadsOrSocketsAndEachCloseIsBounded() throws Exception {
        Map<String, Integer> threadsBefore = clientThreads();
        int connectionsBefore = emulator.stats().openConnections();
        List<Long> closeMillis = new ArrayList<>();

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            BedrockClientSettings.HttpProtocol protocol = cycle % 2 == 0
                    ? BedrockClientSettings.HttpProtocol.HTTP2
                    : BedrockClientSettings.HttpProtocol.HTTP1_1;
            StreamingInvoker invoker = new StreamingInvoker(
                    BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                            .httpProtocol(protocol)
                            .build()),
                    ChunkParsers::forFamily,
                    true);
            RecordingInvocationListener listener = new RecordingInvocationListener();
            invoker.invoke(anthropic("cycle-" + cycle, "words=6", cycle), listener);
            assertThat(listener.terminal.get(20, TimeUnit.SECONDS))
                    .as("cycle %d", cycle)
                    .isInstanceOf(InvocationResult.class);
            assertThat(emulator.stats().openConnections())
                    .as("the call's connection, cycle %d", cycle)
                    .isEqualTo(connectionsBefore + 1);

            long start = System.nanoTime();
            invoker.close();
            closeMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            int c = cycle;
            assertEventually(
                    "open connections to the emulator after cycle " + c,
                    () -> emulator.stats().openConnections(),
                    connectionsBefore);
            assertThreadsBackTo("client threads after cycle " + c, threadsBefore);
        }

        long max = closeMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
        double mean = closeMillis.stream().mapToLong(Long::longValue).average().orElseThrow();
        System.out.printf("ClientLifecycleIT: %d closes, mean %.1f ms, max %d ms%n", CYCLES, mean, max);
        assertThat(closeMillis).allSatisfy(ms -> assertThat(ms).isLessThan(CLOSE_BUDGET.toMillis()));
    }

    @Test
    void closingWithStreamsStillOpenEndsEachWithOneTerminalAndIsBounded() throws Exception {
        Map<String, Integer> threadsBefore = clientThreads();
        int connectionsBefore = emulator.stats().openConnections();
        StreamingInvoker invoker = new StreamingInvoker(
                BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                        .httpProtocol(BedrockClientSettings.HttpProtocol.HTTP1_1)
                        .build()),
                ChunkParsers::forFamily,
                true);
        List<RecordingInvocationListener> listeners = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordingInvocationListener listener = new RecordingInvocationListener();
            listeners.add(listener);
            invoker.invoke(anthropic("open-" + i, "words=400 per_chunk=1 delay_ms=50", i), listener);
        }
        assertEventually("streams open", () -> emulator.stats().currentConcurrency(), 20);

        long start = System.nanoTime();
        invoker.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        System.out.printf("ClientLifecycleIT: close with 20 open streams took %d ms%n", closeMillis);
        assertThat(closeMillis).isLessThan(CLOSE_BUDGET.toMillis());
        for (RecordingInvocationListener listener : listeners) {
            assertThat(listener.terminal.get(5, TimeUnit.SECONDS)).isInstanceOf(InvocationFailure.class);
            assertThat(listener.violations).isEmpty();
        }
        assertEventually(
                "open connections to the emulator", () -> emulator.stats().openConnections(), connectionsBefore);
        assertThreadsBackTo("client threads", threadsBefore);
    }

    @Test
    void aRefreshingCredentialsProviderStopsItsThreadWhenTheClientCloses() throws Exception {
        Map<String, Integer> threadsBefore = clientThreads();
        for (int cycle = 0; cycle < 5; cycle++) {
            AssumeRoleCredentialsProvider credentials = AssumeRoleCredentialsProvider.create(
                    "us-east-1",
                    "arn:aws:iam::123456789012:role/bedrock-invoker",
                    null,
                    "lifecycle",
                    emulator.endpoint(),
                    software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDTEST", "secret")),
                    RefreshTiming.DEFAULT);
            StreamingInvoker invoker = new StreamingInvoker(
                    BedrockClientFactory.create(
                            EmulatorFixtures.settings(emulator).build(), credentials),
                    ChunkParsers::forFamily,
                    true);
            RecordingInvocationListener listener = new RecordingInvocationListener();
            invoker.invoke(anthropic("role-" + cycle, "words=6", cycle), listener);
            assertThat(listener.terminal.get(20, TimeUnit.SECONDS)).isInstanceOf(InvocationResult.class);
            assertThat(clientThreads().get("bedrock-")).isGreaterThan(threadsBefore.get("bedrock-"));

            long start = System.nanoTime();
            invoker.close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(CLOSE_BUDGET.toMillis());

            int c = cycle;
            // the JDK keeps the STS call's socket alive a few seconds, so only threads are counted here
            assertThreadsBackTo("client threads after cycle " + c, threadsBefore);
        }
    }

    /** Threads left running settle within a moment of close(); waits up to 3 s for {@code expected}. */
    /**
     * Client threads of each kind come back to at most what was there before: a thread an earlier test left may
     * end meanwhile, but none of this client's may stay.
     */
    private static void assertThreadsBackTo(String what, Map<String, Integer> before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!atMost(clientThreads(), before) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(atMost(clientThreads(), before))
                .as(() ->
                        what + ": " + clientThreads() + ", before " + before + "; threads: " + describeClientThreads())
                .isTrue();
    }

    private static boolean atMost(Map<String, Integer> now, Map<String, Integer> before) {
        return now.entrySet().stream().allMatch(e -> e.getValue() <= before.getOrDefault(e.getKey(), 0));
    }

    private static <T> void assertEventually(String what, Supplier<T> actual, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (!actual.get().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(actual.get())
                .as(() -> what + "; threads: " + describeClientThreads())
                .isEqualTo(expected);
    }

    private static String describeClientThreads() {
        StringBuilder out = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (CLIENT_THREAD_PREFIXES.stream().anyMatch(t.getName()::startsWith)) {
                out.append(System.lineSeparator())
                        .append(t.getName())
                        .append(' ')
                        .append(t.getState());
                for (int i = 0; i < Math.min(8, stack.length); i++) {
                    out.append(System.lineSeparator()).append("    at ").append(stack[i]);
                }
            }
        });
        return out.toString();
    }

    /** Live threads by client prefix. */
    public static Map<String, Integer> clientThreads() {
        Map<String, Integer> counts = new TreeMap<>();
        for (String prefix : CLIENT_THREAD_PREFIXES) {
            counts.put(prefix, 0);
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isAlive()) {
                continue;
            }
            for (String prefix : CLIENT_THREAD_PREFIXES) {
                if (t.getName().startsWith(prefix)) {
                    counts.merge(prefix, 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
