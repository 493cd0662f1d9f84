package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.engine.ScriptedInvoker.Script;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every reservation path at once, on the real clock with a one-second quota window so that requests wait for
 * refills and settles: completions, throttles before any chunk, mid-stream transient failures, invoke() throwing,
 * invocation timeouts, and calls held open until abandoned
 * (running or queued). When all is over no reservation is left, and every
 * request that was not abandoned has its outcome. Run with attempts started inline on the engine thread, and on a
 * pool of start threads as the engine's public constructor starts them.
 */
class TokenQuotaLeakStressTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int REQUESTS = 300;
    private static final int HELD = 40; // "h-" requests: open until abandoned (or timed out and retried)

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService starter = Executors.newFixedThreadPool(2);
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
        starter.shutdownNow();
        assertThat(out.violations()).isEmpty();
    }

    @ParameterizedTest(name = "start threads: {0}")
    @ValueSource(booleans = {false, true})
    void noReservationOutlivesItsAttemptOnAnyPath(boolean startThreads) throws Exception {
        invoker = new ScriptedInvoker((r, a) -> {
            String id = r.requestId();
            if (id.startsWith("h-")) {
                return null;
            }
            int n = Integer.parseInt(id.substring(2));
            if (a > 2) {
                return Script.complete("done");
            }
            return switch (n % 6) {
                case 0 -> Script.complete("ab", "cd").delayed(2);
                case 1 -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"));
                case 2 -> Script.fail(failure(ErrorKind.TRANSIENT, "ModelStreamErrorException"), "abcd");
                case 3 -> Script.fail(failure(ErrorKind.THROTTLING, "ThrottlingException"), "ab", "cd");
                case 4 -> Script.complete("slow").delayed(400); // past the 200 ms invocation timeout
                default -> {
                    if (a == 1) {
                        throw new IllegalStateException("invoke threw");
                    }
                    yield Script.complete("ok");
                }
            };
        });
        engine = new StreamEngine(
                EngineSettings.builder()
                        .maxInFlight(64)
                        .adaptiveConcurrency(false)
                        .retryBackoffMs(1)
                        .retryBackoffMaxMs(5)
                        .invocationTimeoutMs(200)
                        .tokensPerMinute(30_000)
                        .coalesceMs(n(3))
                        .quota(new EngineSettings.Quota(OutputTokenWeights.NONE, 4096, 1_000))
                        .build(),
                invoker,
                out,
                scheduler,
                startThreads ? starter : null,
                System::nanoTime,
                new Random(11));
        Random random = new Random(5);
        for (int i = 0; i < REQUESTS; i++) {
            String id = i < HELD ? "h-" + i : "r-" + i;
            engine.submit(TokenQuotaAdmissionTest.request(id, 500 + random.nextInt(1500)));
        }
        Thread.sleep(150); // some "h-" calls running, some queued behind the quota
        int abandoned = engine.abandon(r -> r.requestId().startsWith("h-"));
        assertThat(abandoned).isPositive();
        out.awaitOutcomes(REQUESTS - abandoned, WAIT);
        StreamEngineTest.awaitTrue(() -> engine.running() == 0 && engine.inFlight() == 0);
        assertThat(engine.pending()).isZero();
        assertThat(engine.tokenReservations()).isZero();
        assertThat(engine.tokensReserved()).isZero();
        assertThat(engine.tokensReservedTotal())
                .as("requests waited for the quota: more reserved than it holds")
                .isGreaterThan(3 * 30_000);
    }

    private static long n(long ms) {
        return ms;
    }
}
