package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/** Per-request directives and server-wide settings, observed through the real SDK. */
class RequestControlTest {

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
        client = SdkHarness.client(emulator.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    @AfterEach
    void restoreDefaults() {
        emulator.updateSettings(b -> b.throttleFraction(0)
                .maxConcurrentStreams(0)
                .words(24)
                .perChunk(3)
                .ttftMs(0)
                .delayMs(0));
    }

    @Test
    void throttleTwoGivesTwoThrottlingAttemptsThenServes() {
        String body = SdkHarness.claudeBody("[[emu id=thr throttle=2]] hello");
        List<SdkHarness.StreamResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(SdkHarness.stream(client, SdkHarness.CLAUDE, body));
        }
        assertThat(results.get(0).error()).isInstanceOf(ThrottlingException.class);
        assertThat(((ThrottlingException) results.get(0).error()).statusCode()).isEqualTo(429);
        assertThat(results.get(0).error()).hasMessageContaining("Too many requests, please wait before trying again.");
        assertThat(results.get(1).error()).isInstanceOf(ThrottlingException.class);
        assertThat(results.get(2).error()).isNull();

        List<Attempt> attempts = emulator.stats().attempts("thr");
        assertThat(attempts).extracting(Attempt::attempt).containsExactly(1, 2, 3);
        assertThat(attempts)
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException", "ThrottlingException", "complete");
        assertThat(attempts.get(0).text()).isNull();
        assertThat(attempts.get(2).chunks()).isEqualTo(13);
        assertThat(attempts.get(2).modelId()).isEqualTo(SdkHarness.CLAUDE);
    }

    @Test
    void wordsAndPerChunkGiveTheExactChunkCount() {
        // 10 words, 4 per chunk: 3 deltas + message_start, block start/stop, message_delta, message_stop
        SdkHarness.StreamResult r = SdkHarness.stream(
                client, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=wpc words=10 per_chunk=4]] hi"));
        assertThat(r.chunks()).hasSize(8);
        assertThat(r.chunks()
                        .get(7)
                        .at("/amazon-bedrock-invocationMetrics/outputTokenCount")
                        .asInt())
                .isEqualTo(10);
        String text = emulator.stats().attempts("wpc").get(0).text();
        assertThat(r.chunks().subList(2, 5))
                .extracting(c -> c.at("/delta/text").asText())
                .satisfies(deltas -> assertThat(String.join("", deltas)).isEqualTo(text));

        emulator.setWords(5, 1);
        SdkHarness.StreamResult defaults = SdkHarness.stream(
                client, "meta.llama3-8b-instruct-v1:0", "{\"prompt\":\"[[emu id=server-defaults]] hi\"}");
        assertThat(defaults.chunks()).hasSize(5);
    }

    @Test
    void sameRequestGivesTheSameTextAndADifferentPromptDoesNot() {
        String body = SdkHarness.claudeBody("[[emu id=det]] a fixed prompt");
        SdkHarness.stream(client, SdkHarness.CLAUDE, body);
        SdkHarness.stream(client, SdkHarness.CLAUDE, body);
        SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=det]] another prompt"));
        List<Attempt> attempts = emulator.stats().attempts("det");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(0).text()).isEqualTo(attempts.get(1).text());
        assertThat(attempts.get(2).text()).isNotEqualTo(attempts.get(0).text());
    }

    @Test
    void timeToFirstChunkAndDelayAreHonoured() {
        long start = System.nanoTime();
        SdkHarness.StreamResult r = SdkHarness.stream(
                client,
                SdkHarness.CLAUDE,
                SdkHarness.claudeBody("[[emu id=lat ttft_ms=300 delay_ms=40 words=4 per_chunk=1]] hi"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.error()).isNull();
        // 300 ms to the first chunk, then 8 more chunks 40 ms apart
        assertThat(ms).isGreaterThanOrEqualTo(300 + 8 * 40);
        assertThat(r.chunks()
                        .get(8)
                        .at("/amazon-bedrock-invocationMetrics/firstByteLatency")
                        .asLong())
                .isGreaterThanOrEqualTo(300);
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreThrottled() throws Exception {
        emulator.setMaxConcurrentStreams(2);
        String slow = "[[emu id=slow words=2 ttft_ms=2500]] hi"; // open for 2.5 s
        CompletableFuture<SdkHarness.StreamResult> a =
                SdkHarness.streamAsync(client, SdkHarness.CLAUDE, SdkHarness.claudeBody(slow));
        CompletableFuture<SdkHarness.StreamResult> b =
                SdkHarness.streamAsync(client, SdkHarness.CLAUDE, SdkHarness.claudeBody(slow));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (emulator.stats().currentConcurrency() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(emulator.stats().currentConcurrency()).isEqualTo(2);
        SdkHarness.StreamResult third =
                SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=third]] hi"));
        assertThat(third.error()).isInstanceOf(ThrottlingException.class);
        assertThat(a.get(20, TimeUnit.SECONDS).error()).isNull();
        assertThat(b.get(20, TimeUnit.SECONDS).error()).isNull();
        assertThat(emulator.stats().attempts("third"))
                .extracting(Attempt::outcome)
                .containsExactly("ThrottlingException");
        assertThat(emulator.stats().currentConcurrency()).isZero();
    }

    @Test
    void throttleFractionThrottlesAboutThatShareOfCalls() {
        emulator.setThrottleFraction(0.5);
        int throttled = 0;
        for (int i = 0; i < 40; i++) {
            SdkHarness.StreamResult r =
                    SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=frac words=1]] hi"));
            if (r.error() instanceof ThrottlingException) {
                throttled++;
            } else {
                assertThat(r.error()).isNull();
            }
        }
        assertThat(throttled).isBetween(8, 32);
        emulator.setThrottleFraction(1.0);
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"))
                        .error())
                .isInstanceOf(ThrottlingException.class);
    }

    @Test
    void clientCancellationIsRecorded() throws Exception {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        var handler =
                software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler
                        .builder()
                        .onEventStream(publisher -> publisher.subscribe(
                                new org.reactivestreams.Subscriber<
                                        software.amazon.awssdk.services.bedrockruntime.model.ResponseStream>() {
                                    private org.reactivestreams.Subscription subscription;

                                    @Override
                                    public void onSubscribe(org.reactivestreams.Subscription s) {
                                        subscription = s;
                                        s.request(1);
                                    }

                                    @Override
                                    public void onNext(
                                            software.amazon.awssdk.services.bedrockruntime.model.ResponseStream event) {
                                        if (seen.incrementAndGet() == 3) {
                                            subscription.cancel();
                                        } else {
                                            subscription.request(1);
                                        }
                                    }

                                    @Override
                                    public void onError(Throwable t) {}

                                    @Override
                                    public void onComplete() {}
                                }))
                        .build();
        var request =
                software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest.builder()
                        .modelId(SdkHarness.CLAUDE)
                        .contentType("application/json")
                        .body(software.amazon.awssdk.core.SdkBytes.fromUtf8String(
                                SdkHarness.claudeBody("[[emu id=cancel words=50 per_chunk=1 delay_ms=50]] hi")))
                        .build();
        CompletableFuture<Void> call = client.invokeModelWithResponseStream(request, handler);
        call.handle((v, e) -> null).get(20, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (emulator.stats().attempts("cancel").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<Attempt> attempts = emulator.stats().attempts("cancel");
        assertThat(attempts).extracting(Attempt::outcome).containsExactly("cancelled");
        assertThat(attempts.get(0).chunks()).isBetween(3, 50);
        assertThat(emulator.stats().currentConcurrency()).isZero();
    }
}
