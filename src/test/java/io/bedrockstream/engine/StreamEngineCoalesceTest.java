package io.bedrockstream.engine;

import static io.bedrockstream.engine.ScriptedInvoker.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.engine.ScriptedInvoker.Script;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** output.chunk.coalesce.ms / .max.chars: merged chunk events, contiguous seq, delta counts. */
class StreamEngineCoalesceTest {
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

    private void start(EngineSettings settings, Script script) {
        invoker = new ScriptedInvoker((r, a) -> script);
        engine = new StreamEngine(settings, invoker, out, scheduler, System::nanoTime, new Random(42));
    }

    private static EngineSettings.Builder coalescing(long ms, int maxChars) {
        return EngineSettings.builder()
                .retryBackoffMs(1)
                .retryBackoffMaxMs(5)
                .coalesceMs(ms)
                .coalesceMaxChars(maxChars);
    }

    @Test
    void chunksWithinTheWindowBecomeOneEventWrittenBeforeTheTerminal() throws Exception {
        start(coalescing(60_000, 0).build(), Script.complete("Hel", "lo", "!"));
        engine.submit(StreamEngineTest.request("r1", 7));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev).extracting(OutputEvent::event).containsExactly(EventType.CHUNK, EventType.COMPLETE);
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 1L);
        assertThat(ev.get(0).text()).isEqualTo("Hello!");
        assertThat(ev.get(0).deltas()).isEqualTo(3);
        assertThat(ev.get(0).chunk()).isEqualTo("[{\"t\":\"Hel\"},{\"t\":\"lo\"},{\"t\":\"!\"}]");
        assertThat(ev.get(1).deltas()).isNull();
        assertThat(out.outcome("r1").text()).isEqualTo("Hello!");
    }

    @Test
    void maxCharsWritesTheMergedEventAtOnceAndSeqStaysContiguous() throws Exception {
        start(coalescing(60_000, 3).build(), Script.complete("He", "ll", "o", "!", "x"));
        engine.submit(StreamEngineTest.request("r1", 0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev)
                .extracting(OutputEvent::event)
                .containsExactly(EventType.CHUNK, EventType.CHUNK, EventType.COMPLETE);
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 1L, 2L);
        assertThat(ev).extracting(OutputEvent::text).containsExactly("Hell", "o!x", null);
        assertThat(ev).extracting(OutputEvent::deltas).containsExactly(2, 3, null);
        assertThat(out.outcome("r1").text()).isEqualTo("Hello!x");
    }

    @Test
    void theWindowClosesOnItsOwnWhenTheNextChunkIsLate() throws Exception {
        // chunks 300 ms apart, a 20 ms window: each chunk is written by the timer, alone
        start(coalescing(20, 0).build(), Script.complete("a", "b", "c").delayed(300));
        engine.submit(StreamEngineTest.request("r1", 0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 1L, 2L, 3L);
        assertThat(ev).extracting(OutputEvent::text).containsExactly("a", "b", "c", null);
        assertThat(ev).extracting(OutputEvent::deltas).containsExactly(1, 1, 1, null);
    }

    @Test
    void heldChunksGoOutBeforeAnErrorTerminal() throws Exception {
        start(
                coalescing(60_000, 0).retryMaxAttempts(1).build(),
                Script.fail(failure(ErrorKind.INVALID_REQUEST, "ValidationException"), "a", "b"));
        engine.submit(StreamEngineTest.request("r1", 0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("r1");
        assertThat(ev).extracting(OutputEvent::event).containsExactly(EventType.CHUNK, EventType.ERROR);
        assertThat(ev).extracting(OutputEvent::seq).containsExactly(0L, 1L);
        assertThat(ev.get(0).deltas()).isEqualTo(2);
        assertThat(ev.get(1).retrying()).isFalse();
    }

    @Test
    void offByDefaultEveryChunkIsItsOwnEventWithoutACount() throws Exception {
        start(EngineSettings.builder().build(), Script.complete("a", "b"));
        engine.submit(StreamEngineTest.request("r1", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(out.eventsOf("r1")).extracting(OutputEvent::deltas).containsExactly(null, null, null);
    }
}
