package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** One invocation at a time through the real SDK against the emulator: the invoker's own contract. */
class StreamingInvokerIT {
    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h2;
    private static BedrockRuntimeAsyncClient h1;
    private static BedrockRuntimeAsyncClient shortIdle;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials("AKIDTEST", "secret").build());
        h2 = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP2);
        h1 = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP1_1);
        shortIdle = BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                .streamIdleTimeout(Duration.ofMillis(300))
                .build());
    }

    @AfterAll
    static void stopEmulator() {
        h2.close();
        h1.close();
        shortIdle.close();
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    private static Object run(BedrockRuntimeAsyncClient client, ModelRequest request, RecordingInvocationListener l)
            throws Exception {
        new StreamingInvoker(client, ChunkParsers::forFamily, false).invoke(request, l);
        Object t = l.terminal.get(20, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(50); // late callbacks would show up as violations
        assertThat(l.violations).isEmpty();
        return t;
    }

    private static ModelRequest anthropicBody(String id, byte[] body) {
        return new ModelRequest(
                id,
                EmulatorFixtures.MODEL_IDS.get(io.bedrockstream.model.ModelFamily.ANTHROPIC),
                io.bedrockstream.model.ModelFamily.ANTHROPIC,
                body,
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                0,
                0);
    }

    @Test
    void aSystemPromptMarkedForCachingStreamsAndAMalformedCacheControlIsAValidationException() throws Exception {
        byte[] cached = io.bedrockstream.model.PromptBodies.build(
                io.bedrockstream.model.ModelFamily.ANTHROPIC,
                new io.bedrockstream.model.PromptSpec(
                        "Hi [[emu id=cache-ok words=6]]", "You are terse.", 64, null, null, null),
                true);
        RecordingInvocationListener ok = new RecordingInvocationListener();
        assertThat(run(h2, anthropicBody("cache-ok", cached), ok))
                .isInstanceOfSatisfying(
                        InvocationResult.class, r -> assertThat(r.stopReason()).isEqualTo("end_turn"));
        assertThat(emulator.stats().attempts("cache-ok"))
                .extracting(Attempt::outcome)
                .containsExactly("complete");

        String wrong = new String(cached, java.nio.charset.StandardCharsets.UTF_8)
                .replace("cache-ok", "cache-bad")
                .replace("ephemeral", "persistent");
        RecordingInvocationListener bad = new RecordingInvocationListener();
        assertThat(run(h2, anthropicBody("cache-bad", wrong.getBytes(java.nio.charset.StandardCharsets.UTF_8)), bad))
                .isInstanceOfSatisfying(InvocationFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
                    assertThat(f.errorType()).isEqualTo("ValidationException");
                    assertThat(f.message()).contains("#/system/0/cache_control");
                });
    }

    @ParameterizedTest
    @EnumSource(BedrockClientSettings.HttpProtocol.class)
    void completesOverBothProtocols(BedrockClientSettings.HttpProtocol protocol) throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(
                protocol == BedrockClientSettings.HttpProtocol.HTTP2 ? h2 : h1,
                anthropic("p-" + protocol, "words=12 per_chunk=2", 0),
                l);

        assertThat(t).isInstanceOf(InvocationResult.class);
        InvocationResult r = (InvocationResult) t;
        List<Attempt> attempts = emulator.stats().attempts("p-" + protocol);
        assertThat(attempts)
                .singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo("complete"));
        assertThat(l.text()).isEqualTo(attempts.get(0).text());
        assertThat(r.chunks())
                .isEqualTo(l.chunks.size())
                .isEqualTo(attempts.get(0).chunks());
        assertThat(r.stopReason()).isNotNull();
        assertThat(r.inputTokens()).isPositive();
        assertThat(r.outputTokens()).isPositive();
        assertThat(r.invocationLatencyMs()).isNotNull();
        assertThat(l.raw.get(0)).startsWith("{");
    }

    @Test
    void preStreamThrottleIsOneAttemptOnly() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, anthropic("thr", "throttle=5", 0), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.THROTTLING);
            assertThat(f.errorType()).isEqualTo("ThrottlingException");
            assertThat(f.httpStatus()).isEqualTo(429);
        });
        assertThat(emulator.stats().attempts("thr")).hasSize(1); // SDK retries are off
    }

    @Test
    void midStreamExceptionIsNotReplayed() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, anthropic("mid", "mid=throttlingException mid_after=2", 0), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.THROTTLING);
            assertThat(f.errorType()).isEqualToIgnoringCase("throttlingException");
            assertThat(f.chunksReceived()).isEqualTo(2);
        });
        assertThat(l.chunks).hasSize(2);
        assertThat(emulator.stats().attempts("mid")).hasSize(1);
    }

    @Test
    void modelStreamErrorCarriesOriginalStatus() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, anthropic("mse", "mid=modelStreamErrorException mid_after=3 orig_status=529", 0), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(f.errorType()).isEqualTo("modelStreamErrorException");
            assertThat(f.originalStatusCode()).isEqualTo(529);
        });
        assertThat(l.chunks).hasSize(3);
    }

    @ParameterizedTest
    @EnumSource(BedrockClientSettings.HttpProtocol.class)
    void closedConnectionIsATruncatedStreamNotASuccess(BedrockClientSettings.HttpProtocol protocol) throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(
                protocol == BedrockClientSettings.HttpProtocol.HTTP2 ? h2 : h1,
                anthropic("close-" + protocol, "mid=close mid_after=2", 0),
                l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(f.errorType()).isIn(ErrorClassifier.STREAM_TRUNCATED, ErrorClassifier.CONNECTION_ERROR);
        });
        assertThat(l.chunks).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void corruptFrameFails() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, anthropic("corrupt", "mid=corrupt mid_after=1", 0), l);
        assertThat(t).isInstanceOf(InvocationFailure.class);
        assertThat(((InvocationFailure) t).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void stallLongerThanTheIdleTimeoutFails() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(shortIdle, anthropic("stall", "mid=stall mid_after=2 stall_ms=2000", 0), l);
        assertThat(t)
                .isInstanceOfSatisfying(
                        InvocationFailure.class,
                        f -> assertThat(f.errorType()).isEqualTo(ErrorClassifier.STREAM_IDLE_TIMEOUT));
        assertThat(l.chunks).hasSize(2);
    }

    @Test
    void throwingListenerFailsTheInvocationInsteadOfVanishing() throws Exception {
        RecordingInvocationListener inner = new RecordingInvocationListener();
        InvocationListener throwing = new InvocationListener() {
            @Override
            public void onChunk(long seq, String raw, io.bedrockstream.model.ParsedChunk chunk) {
                inner.onChunk(seq, raw, chunk);
                if (seq == 1) {
                    throw new IllegalStateException("downstream broke");
                }
            }

            @Override
            public void onComplete(InvocationResult result) {
                inner.onComplete(result);
            }

            @Override
            public void onFailure(InvocationFailure failure) {
                inner.onFailure(failure);
            }
        };
        new StreamingInvoker(h2, ChunkParsers::forFamily, false).invoke(anthropic("boom", "", 0), throwing);
        Object t = inner.terminal.get(20, TimeUnit.SECONDS);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.errorType()).isEqualTo(ErrorClassifier.CLIENT_ERROR);
            assertThat(f.message()).contains("downstream broke");
        });
        assertThat(inner.chunks).hasSize(2);
    }

    @Test
    void malformedChunkFailsWithMalformedChunk() throws Exception {
        // the Titan parser fed Anthropic chunks still sees JSON; a parser that always throws stands for garbage
        RecordingInvocationListener l = new RecordingInvocationListener();
        new StreamingInvoker(
                        h2,
                        f -> bytes -> {
                            throw new io.bedrockstream.model.MalformedChunkException("not JSON", null);
                        },
                        false)
                .invoke(anthropic("malformed", "", 0), l);
        Object t = l.terminal.get(20, TimeUnit.SECONDS);
        assertThat(t)
                .isInstanceOfSatisfying(
                        InvocationFailure.class,
                        f -> assertThat(f.errorType()).isEqualTo(ErrorClassifier.MALFORMED_CHUNK));
        assertThat(l.chunks).isEmpty();
    }

    @Test
    void cancelDeliversTheReasonOnce() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Invoker.InvocationHandle h = new StreamingInvoker(h2, ChunkParsers::forFamily, false)
                .invoke(anthropic("cancel", "ttft_ms=5000", 0), l);
        TimeUnit.MILLISECONDS.sleep(200);
        InvocationFailure reason = new InvocationFailure(ErrorKind.TRANSIENT, "Cancelled", "test", null, null, null, 0);
        h.cancel(reason);
        h.cancel(reason);
        assertThat(l.terminal.get(5, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(
                        InvocationFailure.class, f -> assertThat(f.errorType()).isEqualTo("Cancelled"));
        TimeUnit.MILLISECONDS.sleep(100);
        assertThat(l.violations).isEmpty();
    }

    @Test
    void validationErrorIsInvalidRequest() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, anthropic("val", "pre=ValidationException", 0), l);
        assertThat(t)
                .isInstanceOfSatisfying(
                        InvocationFailure.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
    }

    @Test
    void unknownModelIsAConfigurationOrRequestError() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        ModelRequest r = anthropic("nf", "pre=ResourceNotFoundException", 0);
        Object t = run(h2, r, l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.message()).contains("bedrock.model.id");
        });
    }

    @Test
    void wrongCredentialsAreAConfigurationError() throws Exception {
        try (BedrockRuntimeAsyncClient bad = BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                .credentials(CredentialsSettings.staticKeys("AKIDOTHER", "wrong", null))
                .build())) {
            RecordingInvocationListener l = new RecordingInvocationListener();
            Object t = run(bad, anthropic("creds", "", 0), l);
            assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
                assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
                assertThat(f.message()).doesNotContain("wrong");
            });
        }
    }
}
