package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.engine.ScriptedInvoker.Script;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the head of the queue needs more tokens than the budget can ever refill to while calls hold their
 * reservations (capacity - reserved), only a settle makes room, and a settle asks for a pump. The engine must then
 * not arm a pump timer of one token's refill time (30 µs at 2M tokens/min): that re-arms itself for as long as the
 * calls run, a busy loop on the engine's thread.
 */
class TokenQuotaPumpTimerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Records the delay of every timer the engine arms. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delaysNanos = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            delaysNanos.add(unit.toNanos(delay));
            return super.schedule(command, delay, unit);
        }
    }

    private final RecordingScheduler scheduler = new RecordingScheduler();
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

    private void start(EngineSettings settings, BiFunction<ModelRequest, Integer, Script> scripts) {
        invoker = new ScriptedInvoker(scripts);
        engine = new StreamEngine(settings, invoker, out, scheduler, clock::get, new Random(7));
    }

    private void settle() throws Exception {
        scheduler.submit(() -> {}).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aHeadThatOnlyASettleCanFitArmsNoTokenByTokenTimer() throws Exception {
        start(
                EngineSettings.builder()
                        .tokensPerMinute(2_000_000)
                        .quota(new EngineSettings.Quota(OutputTokenWeights.NONE, 4096, 60_000))
                        .build(),
                (r, a) -> null);
        engine.submit(TokenQuotaAdmissionTest.request("a", 900_000));
        engine.submit(TokenQuotaAdmissionTest.request("b", 900_000));
        engine.submit(TokenQuotaAdmissionTest.request("c", 900_000)); // 900,040 > 2,000,000 - 1,800,080
        settle();
        assertThat(invoker.calls()).hasSize(2);
        Thread.sleep(200); // real time: the clock stands still, so nothing refills, and only a settle can help
        settle();

        List<Long> shortTimers = scheduler.delaysNanos.stream()
                .filter(d -> d > 0 && d < TimeUnit.SECONDS.toNanos(1))
                .toList(); // 0: execute()/submit()
        assertThat(shortTimers)
                .as(
                        "timers under 1 s armed while only a settle could make room (%d in all)",
                        scheduler.delaysNanos.size())
                .isEmpty();

        // and the settle does start "c" at once
        invoker.calls()
                .get(0)
                .listener
                .onComplete(new io.bedrockstream.bedrock.InvocationResult("end_turn", 40L, 10L, 1L, 2L, 0));
        StreamEngineTest.awaitTrue(() -> invoker.calls().size() == 3);
        assertThat(invoker.calls()).extracting(c -> c.request.requestId()).containsExactly("a", "b", "c");
    }
}
