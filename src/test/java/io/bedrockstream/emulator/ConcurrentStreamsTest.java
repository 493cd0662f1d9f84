package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** 200 overlapping streams through one SDK client all complete with their full text. */
class ConcurrentStreamsTest {

    @Test
    void twoHundredConcurrentStreamsComplete() throws Exception {
        try (BedrockEmulator emulator = BedrockEmulator.start(EmulatorOptions.defaults());
                BedrockRuntimeAsyncClient client =
                        SdkHarness.client(emulator.endpoint(), Protocol.HTTP2, "AKIDEXAMPLE", "secret", 200)) {
            List<CompletableFuture<SdkHarness.StreamResult>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(SdkHarness.streamAsync(
                        client,
                        SdkHarness.CLAUDE,
                        SdkHarness.claudeBody("[[emu id=c" + i + " words=12 per_chunk=2 delay_ms=50]] prompt " + i)));
            }
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            EmulatorStats stats = emulator.stats();
            for (int i = 0; i < 200; i++) {
                SdkHarness.StreamResult r = calls.get(i).get();
                assertThat(r.error()).as("call %d", i).isNull();
                assertThat(r.chunks()).as("call %d", i).hasSize(11);
                StringBuilder text = new StringBuilder();
                r.chunks()
                        .subList(2, 8)
                        .forEach(c -> text.append(c.at("/delta/text").asText()));
                assertThat(text.toString())
                        .isEqualTo(stats.attempts("c" + i).get(0).text());
            }
            System.out.println("maxConcurrency with 200 concurrent streams: " + stats.maxConcurrency());
            assertThat(stats.calls()).isEqualTo(200);
            assertThat(stats.maxConcurrency()).isGreaterThan(1).isLessThanOrEqualTo(200);
            assertThat(stats.currentConcurrency()).isZero();
        }
    }
}
