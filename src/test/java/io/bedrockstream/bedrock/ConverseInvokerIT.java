package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ParsedChunk;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** ConverseStream through the real SDK against the emulator: every delta type, the terminal, every fault. */
class ConverseInvokerIT {
    /** An application inference profile: no model family, Converse takes it as it is. */
    static final String PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";

    static final String TOOL_INPUT = "{\"location\":\"Paris, \\\"FR\\\"\",\"unit\":\"celsius\",\"days\":[1,2]}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h2;
    private static BedrockRuntimeAsyncClient h1;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials("AKIDTEST", "secret").build());
        h2 = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP2);
        h1 = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP1_1);
    }

    @AfterAll
    static void stopEmulator() {
        h2.close();
        h1.close();
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    static String body(String id, String directives) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"What is the weather? [[emu id=" + id
                + " " + directives + "]]\"}]}],\"system\":[{\"text\":\"Be brief.\"}],"
                + "\"inferenceConfig\":{\"maxTokens\":256,\"temperature\":0.5},"
                + "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}}}}]},"
                + "\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}}";
    }

    static ModelRequest request(String id, String body, String guardrail, String trace, String tier) {
        return new ModelRequest(
                id,
                PROFILE_ARN,
                null,
                body.getBytes(StandardCharsets.UTF_8),
                null,
                null,
                guardrail,
                guardrail == null ? null : "1",
                trace,
                null,
                "requests",
                0,
                0,
                null,
                BedrockApi.CONVERSE,
                tier,
                guardrail == null ? null : "async",
                null);
    }

    private static Object run(BedrockRuntimeAsyncClient client, ModelRequest request, RecordingInvocationListener l)
            throws Exception {
        new StreamingInvoker(client, ChunkParsers::forFamily, false).invoke(request, l);
        Object t = l.terminal.get(20, TimeUnit.SECONDS);
        TimeUnit.MILLISECONDS.sleep(50);
        assertThat(l.violations).isEmpty();
        return t;
    }

    private static List<String> types(RecordingInvocationListener l) {
        return l.chunks.stream().map(c -> c.delta().deltaType()).collect(Collectors.toList());
    }

    @ParameterizedTest
    @EnumSource(BedrockClientSettings.HttpProtocol.class)
    void textDeltasCompleteOverBothProtocols(BedrockClientSettings.HttpProtocol protocol) throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(
                protocol == BedrockClientSettings.HttpProtocol.HTTP2 ? h2 : h1,
                request("t-" + protocol, body("t-" + protocol, "words=12 per_chunk=3"), null, null, null),
                l);

        assertThat(t).isInstanceOfSatisfying(InvocationResult.class, r -> {
            assertThat(r.stopReason()).isEqualTo("end_turn");
            assertThat(r.inputTokens()).isPositive();
            assertThat(r.outputTokens()).isEqualTo(12);
            assertThat(r.chunks()).isEqualTo(4);
            assertThat(r.converse().latencyMs()).isNotNull();
            assertThat(r.invocationLatencyMs()).isEqualTo(r.converse().latencyMs());
        });
        assertThat(types(l)).containsOnly(ContentDelta.TEXT).hasSize(4);
        assertThat(l.text())
                .isEqualTo(emulator.stats().attempts("t-" + protocol).get(0).text());
        assertThat(JSON.readTree(l.raw.get(0)).at("/delta/text").isTextual()).isTrue();
        assertThat(JSON.readTree(l.raw.get(0)).has("p")).isFalse();
    }

    @Test
    void everyDeltaTypeIsDeliveredTypedAndTheSignatureIsKept() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(
                h2,
                request(
                        "all",
                        body(
                                "all",
                                "words=4 per_chunk=2 reasoning=4 redacted=1 citation=1 "
                                        + "tool=get_weather cache_read=11 cache_write=7"),
                        null,
                        null,
                        null),
                l);

        assertThat(t).isInstanceOfSatisfying(InvocationResult.class, r -> {
            assertThat(r.stopReason()).isEqualTo("tool_use");
            assertThat(r.converse().cacheReadInputTokens()).isEqualTo(11);
            assertThat(r.converse().cacheWriteInputTokens()).isEqualTo(7);
        });
        List<String> types = types(l);
        assertThat(types.subList(0, 4))
                .containsExactly(
                        ContentDelta.REASONING,
                        ContentDelta.REASONING,
                        ContentDelta.REASONING_SIGNATURE,
                        ContentDelta.REASONING_REDACTED);
        assertThat(types.subList(4, 7)).containsExactly(ContentDelta.TEXT, ContentDelta.TEXT, ContentDelta.CITATION);
        assertThat(types.subList(7, types.size())).hasSizeGreaterThan(2).containsOnly(ContentDelta.TOOL_USE);

        assertThat(l.chunks.get(0).text()).isNotBlank();
        assertThat(JSON.readTree(l.raw.get(2))
                        .at("/delta/reasoningContent/signature")
                        .asText())
                .isNotBlank();
        assertThat(JSON.readTree(l.raw.get(3))
                        .at("/delta/reasoningContent/redactedContent")
                        .asText())
                .isNotBlank();
        assertThat(JSON.readTree(l.raw.get(6))
                        .at("/delta/citation/location/documentChar/end")
                        .asInt())
                .isEqualTo(18);
        assertThat(l.chunks.subList(0, 4))
                .extracting(c -> c.delta().blockIndex())
                .containsExactly(0, 0, 0, 1);

        List<ParsedChunk> tool = l.chunks.subList(7, l.chunks.size());
        assertThat(tool).allSatisfy(c -> {
            assertThat(c.delta().toolName()).isEqualTo("get_weather");
            assertThat(c.delta().toolUseId()).startsWith("tooluse_");
            assertThat(c.delta().blockIndex()).isEqualTo(3);
            assertThat(c.text()).isNull();
        });
        String input = l.raw.subList(7, l.raw.size()).stream()
                .map(raw -> parse(raw).at("/delta/toolUse/input").asText())
                .collect(Collectors.joining());
        assertThat(JSON.readTree(input)).isEqualTo(JSON.readTree(TOOL_INPUT));
    }

    @Test
    void guardrailInterventionIsACompletionWithItsTraceAndTheTierIsReported() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, request("g", body("g", "guardrail=intervene"), "gr-123", "ENABLED", "priority"), l);
        assertThat(t).isInstanceOfSatisfying(InvocationResult.class, r -> {
            assertThat(r.stopReason()).isEqualTo("guardrail_intervened");
            assertThat(r.converse().guardrailTrace()).contains("VIOLENCE");
            assertThat(r.converse().serviceTier()).isEqualTo("priority");
        });
        assertThat(l.text()).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource({
        "throttlingException,THROTTLING",
        "modelStreamErrorException,TRANSIENT",
        "internalServerException,TRANSIENT",
        "serviceUnavailableException,TRANSIENT",
        "validationException,INVALID_REQUEST"
    })
    void streamExceptionsTakeInvokeModelsErrorPaths(String type, ErrorKind kind) throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        // frames: messageStart, then deltas; mid_after counts frames
        Object t = run(
                h2,
                request(
                        "x-" + type,
                        body("x-" + type, "words=8 per_chunk=2 mid=" + type + " mid_after=3"),
                        null,
                        null,
                        null),
                l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.errorType()).isEqualToIgnoringCase(type);
            assertThat(f.chunksReceived()).isEqualTo(2);
        });
        assertThat(l.chunks).hasSize(2);
        assertThat(emulator.stats().attempts("x-" + type)).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(BedrockClientSettings.HttpProtocol.class)
    void aDroppedConnectionDuringAToolInputBlockIsTruncatedNotComplete(BedrockClientSettings.HttpProtocol protocol)
            throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        // messageStart, 2 text deltas, stop, tool start, 2 tool deltas, then the cut
        Object t = run(
                protocol == BedrockClientSettings.HttpProtocol.HTTP2 ? h2 : h1,
                request(
                        "cut-" + protocol,
                        body("cut-" + protocol, "words=4 per_chunk=2 tool=get_weather mid=close mid_after=7"),
                        null,
                        null,
                        null),
                l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(f.errorType()).isIn(ErrorClassifier.STREAM_TRUNCATED, ErrorClassifier.CONNECTION_ERROR);
        });
    }

    @Test
    void aStreamEndingBeforeItsMetadataIsTruncated() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        // words=2 per_chunk=2: messageStart, delta, stop, messageStop, metadata; an "error" frame before metadata
        Object t = run(
                h2,
                request(
                        "nometa",
                        body("nometa", "words=2 per_chunk=2 mid=stall mid_after=4 stall_ms=1"),
                        null,
                        null,
                        null),
                l);
        assertThat(t).isInstanceOf(InvocationResult.class); // a stall resumes: control case
        RecordingInvocationListener l2 = new RecordingInvocationListener();
        Object t2 = run(
                h2,
                request("nometa2", body("nometa2", "words=2 per_chunk=2 mid=close mid_after=4"), null, null, null),
                l2);
        assertThat(t2)
                .isInstanceOfSatisfying(
                        InvocationFailure.class,
                        f -> assertThat(f.errorType())
                                .isIn(ErrorClassifier.STREAM_TRUNCATED, ErrorClassifier.CONNECTION_ERROR));
    }

    @Test
    void anUnknownMemberIsAnInvalidRequestWithItsPathAndNoCallIsMade() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        String bad = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi [[emu id=bad]]\","
                + "\"colour\":\"red\"}]}]}";
        Object t = run(h2, request("bad", bad, null, null, null), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(f.errorType()).isEqualTo(StreamingInvoker.INVALID_CONVERSE_REQUEST);
            assertThat(f.message()).contains("messages[0].content[0].colour");
        });
        assertThat(emulator.stats().attempts("bad")).isEmpty();
    }

    @Test
    void aConverseValidationErrorIsAnInvalidRequest() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        String assistantFirst =
                "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"hi [[emu id=v]]\"}]}]}";
        Object t = run(h2, request("v", assistantFirst, null, null, null), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(f.errorType()).isEqualTo("ValidationException");
            assertThat(f.message()).contains("user message");
        });
    }

    @Test
    void anUnsupportedServiceTierIsASetupErrorWithTheKeyToFix() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, request("tier", body("tier", "tiers=default,priority"), null, null, "flex"), l);
        assertThat(t).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.errorType()).isEqualTo("ValidationException");
            assertThat(f.message()).contains("bedrock.service.tier");
        });
    }

    @Test
    void preStreamThrottlingIsThrottling() throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        Object t = run(h2, request("thr", body("thr", "throttle=1"), null, null, null), l);
        assertThat(t)
                .isInstanceOfSatisfying(
                        InvocationFailure.class, f -> assertThat(f.kind()).isEqualTo(ErrorKind.THROTTLING));
    }

    private static JsonNode parse(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
