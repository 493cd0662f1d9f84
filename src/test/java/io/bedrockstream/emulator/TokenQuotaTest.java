package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/**
 * The tokens-per-minute quota, through the real SDK: input plus max tokens reserved when a call starts, the
 * ungenerated part given back when it ends, 429 "Too many tokens" when a call does not fit.
 */
class TokenQuotaTest {

    /** A minute of an hour: no refill worth counting while a test runs. */
    private static final long SLOW_WINDOW_MS = 3_600_000;

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

    @BeforeEach
    void fresh() {
        emulator.setTokensPerMinute(0, 60_000);
        emulator.reset();
    }

    @AfterEach
    void off() {
        emulator.setTokensPerMinute(0, 60_000);
    }

    /**
     * max_tokens 512; input tokens are the prompt's words, 5 or 6 here ("[[emu", "id=…", directives, "hello",
     * "there"): a reservation of 517 or 518.
     */
    private static String body(String id, String directives) {
        return SdkHarness.claudeBody("[[emu id=" + id + " " + directives + "]] hello there");
    }

    @Test
    void aCallReservesInputPlusMaxTokensAtItsStartAndGivesBackTheUnusedPartAtItsEnd() throws Exception {
        emulator.setTokensPerMinute(1_000, SLOW_WINDOW_MS);
        CompletableFuture<SdkHarness.StreamResult> open =
                SdkHarness.streamAsync(client, SdkHarness.CLAUDE, body("open", "words=10 ttft_ms=1500"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (emulator.stats().currentConcurrency() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // 482 left while the first call holds 518: the second (517) does not fit
        SdkHarness.StreamResult refused = SdkHarness.stream(client, SdkHarness.CLAUDE, body("second", "words=10"));
        assertThat(refused.error())
                .isInstanceOf(ThrottlingException.class)
                .hasMessageContaining("Too many tokens, please wait before trying again.");
        assertThat(((ThrottlingException) refused.error()).statusCode()).isEqualTo(429);
        assertThat(emulator.stats().currentConcurrency()).isEqualTo(1);

        assertThat(open.get(20, TimeUnit.SECONDS).error()).isNull();
        // the first call generated 10 of its 512: 502 came back, 984 left, room for one more reservation
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("third", "words=10"))
                        .error())
                .isNull();
        SdkHarness.StreamResult fourth = SdkHarness.stream(client, SdkHarness.CLAUDE, body("fourth", "words=500"));
        assertThat(fourth.error()).isNull();
        // 984 - 5 - 10 = 969 left after "third"; "fourth" spent 5 + 500: 464 left, under one reservation
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("fifth", "words=1"))
                        .error())
                .isInstanceOf(ThrottlingException.class);

        EmulatorStats stats = emulator.stats();
        assertThat(stats.tokenQuotaThrottles()).isEqualTo(2);
        assertThat(stats.attempts("second")).extracting(Attempt::outcome).containsExactly("ThrottlingException");
        assertThat(stats.attempts("fifth")).extracting(Attempt::outcome).containsExactly("ThrottlingException");
        assertThat(stats.currentConcurrency()).isZero();
    }

    @Test
    void outputTokensOfClaude4ModelsBurnFiveQuotaTokensEachWhenTheCallEnds() throws Exception {
        emulator.setTokensPerMinute(1_100, SLOW_WINDOW_MS);
        String sonnet4 = "anthropic.claude-sonnet-4-20250514-v1:0";
        // reserves 5 + 512; ends having spent 5 + 5 × 100 = 505: 595 left
        assertThat(SdkHarness.stream(client, sonnet4, body("s4", "words=100")).error())
                .isNull();
        // reserves 517 of 595; spends 5 + 100: 490 left, under one reservation (at weight 1 it would be 890)
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("haiku", "words=100"))
                        .error())
                .isNull();
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("refused", "words=1"))
                        .error())
                .isInstanceOf(ThrottlingException.class);
        assertThat(emulator.stats().tokenQuotaThrottles()).isEqualTo(1);
    }

    @Test
    void theOutputWeightsAreASetting() throws Exception {
        emulator.updateSettings(
                b -> b.tokensPerMinute(1_100).quotaWindowMs(SLOW_WINDOW_MS).quotaOutputWeights("*haiku*:2"));
        try {
            // 1100 - (5 + 2 × 300) = 495: the next reservation (517) does not fit
            assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("h1", "words=300"))
                            .error())
                    .isNull();
            assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("h2", "words=1"))
                            .error())
                    .isInstanceOf(ThrottlingException.class);
            assertThat(emulator.options().quotaOutputWeights()).isEqualTo("*haiku*:2");
        } finally {
            emulator.updateSettings(b -> b.quotaOutputWeights(EmulatorOptions.BEDROCK_OUTPUT_WEIGHTS));
        }
    }

    @Test
    void theQuotaRefillsOverItsWindow() throws Exception {
        emulator.setTokensPerMinute(600, 4_000); // 150 per second
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("a", "words=500"))
                        .error())
                .isNull();
        // ~95 left: "b" (517) fits only after ~2.8 s of refill
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("b", "words=1"))
                        .error())
                .isInstanceOf(ThrottlingException.class);
        Thread.sleep(4_200);
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("c", "words=1"))
                        .error())
                .isNull();
        assertThat(emulator.stats().tokenQuotaThrottles()).isEqualTo(1);
    }

    @Test
    void theQuotaIsSetAndReportedThroughTheAdminApi() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> settings = http.send(
                HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/_emulator/settings"))
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"tokensPerMinute\":100,\"quotaWindowMs\":3600000}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(settings.statusCode()).isEqualTo(200);
        assertThat(SdkHarness.parse(settings.body()).get("tokensPerMinute").asLong())
                .isEqualTo(100);
        assertThat(SdkHarness.parse(settings.body()).get("quotaWindowMs").asLong())
                .isEqualTo(3_600_000);
        assertThat(SdkHarness.stream(client, SdkHarness.CLAUDE, body("big", "words=1"))
                        .error())
                .isInstanceOf(ThrottlingException.class);
        HttpResponse<String> stats = http.send(
                HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/_emulator/stats"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(SdkHarness.parse(stats.body()).get("tokenQuotaThrottles").asLong())
                .isEqualTo(1);
    }
}
