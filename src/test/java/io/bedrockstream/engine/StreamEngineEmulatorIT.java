package io.bedrockstream.engine;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.BedrockClientFactory;
import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** The engine with the real SDK client against the Bedrock emulator. */
class StreamEngineEmulatorIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h2;

    private final RecordingEngineListener out = new RecordingEngineListener();
    private final List<StreamEngine> engines = new ArrayList<>();

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials("AKIDTEST", "secret").build());
        h2 = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP2);
    }

    @AfterAll
    static void stopEmulator() {
        h2.close();
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
        emulator.setMaxConcurrentStreams(0);
        emulator.setLatency(0, 0);
        emulator.setTokensPerMinute(0, 60_000);
    }

    @AfterEach
    void closeEngines() {
        engines.forEach(StreamEngine::close);
        assertThat(out.violations()).isEmpty();
    }

    /** Records when each attempt starts, to measure the backoff between attempts. */
    static final class TimedInvoker implements Invoker {
        final Invoker delegate;
        final Map<String, List<Long>> starts = new ConcurrentHashMap<>();
        final Map<String, List<Long>> ends = new ConcurrentHashMap<>();

        TimedInvoker(Invoker delegate) {
            this.delegate = delegate;
        }

        @Override
        public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
            starts.computeIfAbsent(request.requestId(), k -> new CopyOnWriteArrayList<>())
                    .add(System.nanoTime());
            List<Long> endList = ends.computeIfAbsent(request.requestId(), k -> new CopyOnWriteArrayList<>());
            return delegate.invoke(request, new InvocationListener() {
                @Override
                public void onChunk(long seq, String raw, io.bedrockstream.model.ParsedChunk chunk) {
                    listener.onChunk(seq, raw, chunk);
                }

                @Override
                public void onComplete(io.bedrockstream.bedrock.InvocationResult result) {
                    endList.add(System.nanoTime());
                    listener.onComplete(result);
                }

                @Override
                public void onFailure(io.bedrockstream.bedrock.InvocationFailure failure) {
                    endList.add(System.nanoTime());
                    listener.onFailure(failure);
                }
            });
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private StreamEngine engine(EngineSettings settings, Invoker invoker) {
        StreamEngine e = new StreamEngine(settings, invoker, out);
        engines.add(e);
        return e;
    }

    private StreamEngine engine(EngineSettings settings) {
        return engine(settings, new StreamingInvoker(h2, ChunkParsers::forFamily, false));
    }

    private static EngineSettings.Builder settings() {
        return EngineSettings.builder().retryBackoffMs(20).retryBackoffMaxMs(100);
    }

    @ParameterizedTest
    @EnumSource(ModelFamily.class)
    void everyFamilyStreamsEndToEnd(ModelFamily family) throws Exception {
        StreamEngine engine = engine(settings().build());
        String id = "fam-" + family.configName();
        engine.submit(EmulatorFixtures.request(id, family, "words=15 per_chunk=2", 11));
        out.awaitOutcomes(1, WAIT);

        RequestOutcome o = out.outcome(id);
        assertThat(o.completed()).as("%s", o.failure()).isTrue();
        Attempt served = emulator.stats().attempts(id).get(0);
        assertThat(o.text()).isEqualTo(served.text());
        List<OutputEvent> ev = out.eventsOf(id);
        assertThat(ev)
                .extracting(OutputEvent::seq)
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, ev.size()).boxed().toList());
        assertThat(ev.size() - 1).isEqualTo(served.chunks());
        assertThat(ev.stream()
                        .filter(e -> e.text() != null)
                        .map(OutputEvent::text)
                        .collect(Collectors.joining()))
                .isEqualTo(served.text());
        OutputEvent complete = ev.get(ev.size() - 1);
        assertThat(complete.event()).isEqualTo(EventType.COMPLETE);
        assertThat(complete.inputTokens()).isPositive();
        assertThat(complete.outputTokens()).isPositive();
        assertThat(complete.invocationLatencyMs()).isNotNull();
        assertThat(complete.firstByteLatencyMs()).isNotNull();
        assertThat(complete.stopReason()).isNotNull();
        assertThat(complete.modelId()).isEqualTo(EmulatorFixtures.MODEL_IDS.get(family));
        assertThat(complete.sourceOffset()).isEqualTo(11);
    }

    @ParameterizedTest
    @EnumSource(BedrockClientSettings.HttpProtocol.class)
    void bothHttpProtocolsWork(BedrockClientSettings.HttpProtocol protocol) throws Exception {
        try (BedrockRuntimeAsyncClient client = EmulatorFixtures.client(emulator, protocol)) {
            StreamEngine engine =
                    engine(settings().build(), new StreamingInvoker(client, ChunkParsers::forFamily, false));
            for (int i = 0; i < 5; i++) {
                engine.submit(anthropic("proto-" + i, "words=9 per_chunk=3", i));
            }
            out.awaitOutcomes(5, WAIT);
            for (int i = 0; i < 5; i++) {
                assertThat(out.outcome("proto-" + i).text())
                        .isEqualTo(
                                emulator.stats().attempts("proto-" + i).get(0).text());
            }
        }
    }

    @Test
    void throttledTwiceThenCompletesWithBackoffBetweenAttempts() throws Exception {
        TimedInvoker invoker = new TimedInvoker(new StreamingInvoker(h2, ChunkParsers::forFamily, false));
        StreamEngine engine = engine(
                EngineSettings.builder()
                        .retryBackoffMs(100)
                        .retryBackoffMaxMs(400)
                        .build(),
                invoker);
        engine.submit(anthropic("thr2", "throttle=2 words=6 per_chunk=3", 0));
        out.awaitOutcomes(1, WAIT);

        assertThat(emulator.stats().attempts("thr2"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "ThrottlingException", "complete");
        List<OutputEvent> ev = out.eventsOf("thr2");
        int k = emulator.stats().attempts("thr2").get(2).chunks();
        List<String> expected = new ArrayList<>(List.of("1:0:error", "2:0:error"));
        for (int s = 0; s < k; s++) {
            expected.add("3:" + s + ":chunk");
        }
        expected.add("3:" + k + ":complete");
        assertThat(ev)
                .extracting(e -> e.attempt() + ":" + e.seq() + ":" + e.event().wireName())
                .containsExactlyElementsOf(expected);
        assertThat(ev.subList(0, 2)).allSatisfy(e -> {
            assertThat(e.retrying()).isTrue();
            assertThat(e.errorType()).isEqualTo("ThrottlingException");
        });
        assertThat(ev.stream().map(OutputEvent::invocationId).distinct()).hasSize(3);
        RequestOutcome o = out.outcome("thr2");
        assertThat(o.attempts()).isEqualTo(3);
        assertThat(o.invocationIds()).hasSize(3).doesNotHaveDuplicates();

        List<Long> starts = invoker.starts.get("thr2");
        List<Long> ends = invoker.ends.get("thr2");
        long gap1 = TimeUnit.NANOSECONDS.toMillis(starts.get(1) - ends.get(0));
        long gap2 = TimeUnit.NANOSECONDS.toMillis(starts.get(2) - ends.get(1));
        // from a failed attempt's end to the next start: retry 1 waits exactly the 100 ms floor, retry 2 is in
        // [100, 200]; plus slack for a loaded 2-core machine
        assertThat(gap1).isBetween(99L, 100L + 150);
        assertThat(gap2).isBetween(99L, 200L + 150);
    }

    @Test
    void throttledForeverGivesUpAfterRetryThrottlingMaxAttempts() throws Exception {
        StreamEngine engine = engine(
                settings().retryMaxAttempts(1).retryThrottlingMaxAttempts(3).build());
        engine.submit(anthropic("thr-forever", "pre=ThrottlingException", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(emulator.stats().attempts("thr-forever")).hasSize(3);
        RequestOutcome o = out.outcome("thr-forever");
        assertThat(o.completed()).isFalse();
        assertThat(o.failure().kind()).isEqualTo(ErrorKind.THROTTLING);
        assertThat(out.eventsOf("thr-forever"))
                .extracting(OutputEvent::retrying)
                .containsExactly(true, true, false);
    }

    @Test
    void aTransientErrorForeverGivesUpAfterRetryMaxAttemptsWhileThrottlingWouldGoOn() throws Exception {
        StreamEngine engine = engine(settings().retryMaxAttempts(3).build());
        engine.submit(anthropic("unavailable", "pre=ServiceUnavailableException", 0));
        engine.submit(anthropic("throttled", "throttle=6 words=4", 1));
        out.awaitOutcomes(2, WAIT);
        assertThat(emulator.stats().attempts("unavailable"))
                .extracting(Attempt::outcome)
                .containsExactly(
                        "ServiceUnavailableException", "ServiceUnavailableException", "ServiceUnavailableException");
        assertThat(out.outcome("unavailable").failure().kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(out.outcome("throttled").completed()).isTrue();
        assertThat(out.outcome("throttled").attempts()).isEqualTo(7);
    }

    @Test
    void throttledForeverStopsAtTheDeadline() throws Exception {
        TimedInvoker invoker = new TimedInvoker(new StreamingInvoker(h2, ChunkParsers::forFamily, false));
        StreamEngine engine = engine(
                EngineSettings.builder()
                        .retryMaxAttempts(100)
                        .retryBackoffMs(100)
                        .retryBackoffMaxMs(100)
                        .retryDeadlineMs(450)
                        .build(),
                invoker);
        engine.submit(anthropic("thr-deadline", "pre=ThrottlingException", 0));
        out.awaitOutcomes(1, WAIT);
        List<Long> starts = invoker.starts.get("thr-deadline");
        assertThat(starts.size()).isBetween(2, 5);
        // the deadline counts from the first attempt's start
        assertThat(TimeUnit.NANOSECONDS.toMillis(starts.get(starts.size() - 1) - starts.get(0)))
                .isLessThanOrEqualTo(450);
        assertThat(out.outcome("thr-deadline").failure().kind()).isEqualTo(ErrorKind.THROTTLING);
        List<OutputEvent> ev = out.eventsOf("thr-deadline");
        assertThat(ev.get(ev.size() - 1).retrying()).isFalse();
    }

    /** Durations divided by this: the emulator's quota "minute" lasts 2 s, and the retry defaults shrink alike. */
    private static final int TIME_SCALE = 30;

    @Test
    void aBurstFarOverATokensPerMinuteQuotaCompletesWithTheDefaultRetrySettings() throws Exception {
        int quota = 4_000;
        emulator.setTokensPerMinute(quota, 60_000 / TIME_SCALE);
        emulator.reset();
        EngineSettings defaults = EngineSettings.defaults();
        StreamEngine engine = engine(defaults.toBuilder()
                .retryBackoffMs(defaults.retryBackoffMs() / TIME_SCALE)
                .retryBackoffMaxMs(defaults.retryBackoffMaxMs() / TIME_SCALE)
                .retryDeadlineMs(defaults.retryDeadlineMs() / TIME_SCALE)
                // the quota's minute (the budget learned from its throttles refills per minute) shrinks alike
                .quota(new EngineSettings.Quota(
                        defaults.quota().outputWeights(),
                        defaults.quota().defaultMaxTokens(),
                        defaults.quota().windowMs() / TIME_SCALE))
                .build());
        // each call reserves 7 input + 256 max tokens (200 x 263 = 13 quotas at once) and spends 107
        int n = 200;
        for (int i = 0; i < n; i++) {
            engine.submit(anthropic("tpm-" + i, "words=100", i));
        }
        out.awaitOutcomes(n, Duration.ofSeconds(90));

        List<String> failed = new ArrayList<>();
        long spent = 0;
        for (int i = 0; i < n; i++) {
            RequestOutcome o = out.outcome("tpm-" + i);
            if (o.completed()) {
                spent += o.result().inputTokens() + o.result().outputTokens();
            } else {
                failed.add(o.request().requestId() + " after " + o.attempts() + ": "
                        + o.failure().errorType());
            }
        }
        assertThat(failed).isEmpty();
        assertThat(spent).isGreaterThan(5L * quota); // more than five quota-minutes of work
        assertThat(emulator.stats().tokenQuotaThrottles()).isPositive();
        assertThat(out.events()).anyMatch(e -> "ThrottlingException".equals(e.errorType()));
        assertThat(engine.pending()).isZero();
        StreamEngineTest.awaitTrue(() -> engine.inFlight() == 0);
    }

    @Test
    void modelStreamErrorMidStreamIsRetriedAndSeqRestarts() throws Exception {
        StreamEngine engine = engine(settings().build());
        engine.submit(anthropic(
                "mse",
                "mid=modelStreamErrorException mid_after=3 mid_times=1 orig_status=529 words=12 per_chunk=3",
                0));
        out.awaitOutcomes(1, WAIT);

        List<OutputEvent> ev = out.eventsOf("mse");
        List<OutputEvent> first = ev.stream().filter(e -> e.attempt() == 1).toList();
        assertThat(first)
                .extracting(e -> e.seq() + ":" + e.event().wireName())
                .containsExactly("0:chunk", "1:chunk", "2:chunk", "3:error");
        OutputEvent error = first.get(3);
        assertThat(error.retrying()).isTrue();
        assertThat(error.errorType()).isEqualTo("modelStreamErrorException");
        assertThat(error.originalStatusCode()).isEqualTo(529);
        List<OutputEvent> second = ev.stream().filter(e -> e.attempt() == 2).toList();
        assertThat(second.get(0).seq()).isZero();
        assertThat(second.get(second.size() - 1).event()).isEqualTo(EventType.COMPLETE);
        assertThat(second.get(0).invocationId()).isNotEqualTo(first.get(0).invocationId());
        assertThat(out.outcome("mse").text())
                .isEqualTo(emulator.stats().attempts("mse").get(1).text());
    }

    @Test
    void validationExceptionMidStreamIsNotRetried() throws Exception {
        StreamEngine engine = engine(settings().build());
        engine.submit(anthropic("val", "mid=validationException mid_after=2", 0));
        out.awaitOutcomes(1, WAIT);
        assertThat(emulator.stats().attempts("val")).hasSize(1);
        RequestOutcome o = out.outcome("val");
        assertThat(o.failure().kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
        assertThat(out.eventsOf("val"))
                .extracting(e -> e.seq() + ":" + e.event().wireName())
                .containsExactly("0:chunk", "1:chunk", "2:error");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "mid=close mid_after=2",
                "mid=corrupt mid_after=2",
                "mid=error mid_after=2",
                "mid=stall mid_after=2 stall_ms=3000"
            })
    void brokenStreamsFailAndNeverComplete(String fault) throws Exception {
        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                .streamIdleTimeout(Duration.ofMillis(400))
                .build())) {
            StreamEngine engine = engine(
                    settings().retryMaxAttempts(2).build(),
                    new StreamingInvoker(client, ChunkParsers::forFamily, false));
            engine.submit(anthropic("broken", fault + " words=12 per_chunk=2", 0));
            out.awaitOutcomes(1, WAIT);
            RequestOutcome o = out.outcome("broken");
            assertThat(o.completed()).isFalse();
            assertThat(o.attempts()).isEqualTo(2);
            assertThat(o.failure().kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(out.eventsOf("broken"))
                    .noneMatch(e -> e.event() == EventType.COMPLETE)
                    .filteredOn(OutputEvent::isTerminal)
                    .hasSize(2);
            if (fault.contains("stall")) {
                assertThat(o.failure().errorType()).isEqualTo("StreamIdleTimeout");
            }
        }
    }

    @Test
    void concurrencyNeverExceedsMaxInFlight() throws Exception {
        emulator.setLatency(0, 15);
        AtomicInteger maxRunning = new AtomicInteger();
        StreamEngine[] holder = new StreamEngine[1];
        EngineListener sampling = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {
                maxRunning.accumulateAndGet(holder[0].running(), Math::max);
                out.onEvent(event);
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {
                out.onOutcome(outcome);
            }
        };
        StreamEngine engine = new StreamEngine(
                settings().maxInFlight(4).build(), new StreamingInvoker(h2, ChunkParsers::forFamily, false), sampling);
        holder[0] = engine;
        engines.add(engine);
        for (int i = 0; i < 40; i++) {
            engine.submit(anthropic("c" + i, "words=6 per_chunk=2", i));
            maxRunning.accumulateAndGet(engine.running(), Math::max);
        }
        out.awaitOutcomes(40, WAIT);
        assertThat(emulator.stats().maxConcurrency()).isBetween(2, 4);
        assertThat(maxRunning.get()).isBetween(2, 4);
        assertThat(out.outcomeCount()).isEqualTo(40);
    }

    @Test
    void throttlingStormLowersTheLimitAndItRecovers() throws Exception {
        emulator.setMaxConcurrentStreams(2);
        emulator.setLatency(0, 10);
        AtomicInteger minLimit = new AtomicInteger(Integer.MAX_VALUE);
        StreamEngine[] holder = new StreamEngine[1];
        EngineListener sampling = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {
                minLimit.accumulateAndGet(holder[0].effectiveLimit(), Math::min);
                out.onEvent(event);
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {
                out.onOutcome(outcome);
            }
        };
        StreamEngine engine = new StreamEngine(
                EngineSettings.builder()
                        .maxInFlight(8)
                        .retryMaxAttempts(50)
                        .retryBackoffMs(20)
                        .retryBackoffMaxMs(200)
                        .build(),
                new StreamingInvoker(h2, ChunkParsers::forFamily, false),
                sampling);
        holder[0] = engine;
        engines.add(engine);
        for (int i = 0; i < 24; i++) {
            engine.submit(anthropic("storm" + i, "words=8 per_chunk=2", i));
        }
        out.awaitOutcomes(24, WAIT);
        assertThat(minLimit.get()).isLessThan(8);
        assertThat(out.events()).anyMatch(e -> "ThrottlingException".equals(e.errorType()));
        int afterStorm = engine.effectiveLimit();

        emulator.setMaxConcurrentStreams(0);
        emulator.setLatency(0, 0);
        for (int i = 0; i < 80; i++) {
            engine.submit(anthropic("calm" + i, "words=4 per_chunk=2", 100 + i));
        }
        out.awaitOutcomes(104, WAIT);
        assertThat(engine.effectiveLimit())
                .isGreaterThan(Math.min(afterStorm, minLimit.get()))
                .isEqualTo(8);
    }

    @Test
    void abandonMidStreamDeliversNothingAfterwards() throws Exception {
        emulator.setLatency(0, 50);
        StreamEngine engine = engine(settings().build());
        engine.submit(anthropic("gone", "words=40 per_chunk=2", 0));
        engine.submit(anthropic("kept", "words=6 per_chunk=2", 1));
        out.awaitEvents(3, WAIT);
        int n = engine.abandon(r -> r.requestId().equals("gone"));
        assertThat(n).isEqualTo(1);
        int seen = out.eventsOf("gone").size();
        assertThat(seen).isPositive();
        out.awaitOutcomes(1, WAIT);
        TimeUnit.MILLISECONDS.sleep(300);
        assertThat(out.eventsOf("gone")).hasSize(seen);
        assertThat(out.outcome("gone")).isNull();
        assertThat(out.outcome("kept").completed()).isTrue();
        assertThat(engine.pending()).isZero();
    }
}
