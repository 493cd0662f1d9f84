package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/** The emulator's ConverseStream, read by the real SDK's own visitor: every event type, every fault. */
class ConverseStreamTest {
    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h2;
    private static BedrockRuntimeAsyncClient h1;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().words(6).perChunk(2).build());
        h2 = SdkHarness.client(emulator.endpoint());
        h1 = SdkHarness.client(emulator.endpoint(), Protocol.HTTP1_1, "AKIDEXAMPLE", "secret", 10);
    }

    @AfterAll
    static void stop() {
        h2.close();
        h1.close();
        emulator.close();
    }

    /** Every event the visitor saw, named; and the call's failure, if any. */
    record Seen(
            List<String> events,
            List<String> texts,
            StringBuilder toolInput,
            List<String> signatures,
            List<MessageStopEvent> stops,
            List<ConverseStreamMetadataEvent> metadata,
            Throwable error) {}

    static Seen converse(BedrockRuntimeAsyncClient client, String prompt) throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<String> texts = Collections.synchronizedList(new ArrayList<>());
        List<String> signatures = Collections.synchronizedList(new ArrayList<>());
        List<MessageStopEvent> stops = Collections.synchronizedList(new ArrayList<>());
        List<ConverseStreamMetadataEvent> metadata = Collections.synchronizedList(new ArrayList<>());
        StringBuilder toolInput = new StringBuilder();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onMessageStart(e -> events.add("messageStart:" + e.roleAsString()))
                        .onContentBlockStart(e -> events.add(
                                "contentBlockStart:" + e.start().toolUse().name()))
                        .onContentBlockDelta(e -> {
                            var d = e.delta();
                            String kind = d.text() != null
                                    ? "text"
                                    : d.toolUse() != null
                                            ? "toolUse"
                                            : d.reasoningContent() != null
                                                    ? (d.reasoningContent().text() != null
                                                            ? "reasoning"
                                                            : d.reasoningContent()
                                                                                    .signature()
                                                                            != null
                                                                    ? "signature"
                                                                    : "redacted")
                                                    : d.citation() != null ? "citation" : "other";
                            events.add("delta:" + kind);
                            if (d.text() != null) {
                                texts.add(d.text());
                            }
                            if (d.toolUse() != null) {
                                toolInput.append(d.toolUse().input());
                            }
                            if (d.reasoningContent() != null
                                    && d.reasoningContent().signature() != null) {
                                signatures.add(d.reasoningContent().signature());
                            }
                        })
                        .onContentBlockStop(e -> events.add("contentBlockStop:" + e.contentBlockIndex()))
                        .onMessageStop(e -> {
                            events.add("messageStop");
                            stops.add(e);
                        })
                        .onMetadata(e -> {
                            events.add("metadata");
                            metadata.add(e);
                        })
                        .build())
                .build();
        ConverseStreamRequest request = ConverseStreamRequest.builder()
                .modelId("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/xyz")
                .messages(Message.builder()
                        .role("user")
                        .content(ContentBlock.fromText(prompt))
                        .build())
                .additionalModelRequestFields(Document.fromMap(Map.of("top_k", Document.fromNumber(5))))
                .serviceTier(t -> t.type("flex"))
                .build();
        Throwable error = null;
        try {
            client.converseStream(request, handler).get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            error = e.getCause();
        }
        return new Seen(events, texts, toolInput, signatures, stops, metadata, error);
    }

    @ParameterizedTest
    @EnumSource(
            value = Protocol.class,
            names = {"HTTP1_1", "HTTP2"})
    void theSdkVisitorReadsEveryEventType(Protocol protocol) throws Exception {
        Seen s = converse(
                protocol == Protocol.HTTP2 ? h2 : h1,
                "Go [[emu id=all-" + protocol
                        + " reasoning=3 redacted=1 citation=1 tool=get_weather cache_read=4 cache_write=9]]");
        assertThat(s.error()).isNull();
        assertThat(s.events())
                .startsWith(
                        "messageStart:assistant",
                        "delta:reasoning",
                        "delta:reasoning",
                        "delta:signature",
                        "contentBlockStop:0",
                        "delta:redacted",
                        "contentBlockStop:1");
        assertThat(s.events())
                .contains("delta:citation", "contentBlockStart:get_weather")
                .endsWith("contentBlockStop:3", "messageStop", "metadata");
        assertThat(s.events().stream().filter("delta:toolUse"::equals).count()).isGreaterThan(2);
        assertThat(s.signatures()).containsExactly(ConverseScript.SIGNATURE);
        assertThat(s.toolInput().toString()).isEqualTo(ConverseScript.TOOL_INPUT);
        assertThat(String.join("", s.texts()))
                .isEqualTo(emulator.stats().attempts("all-" + protocol).get(0).text());
        assertThat(s.stops().get(0).stopReasonAsString()).isEqualTo("tool_use");
        ConverseStreamMetadataEvent m = s.metadata().get(0);
        assertThat(m.usage().cacheReadInputTokens()).isEqualTo(4);
        assertThat(m.usage().cacheWriteInputTokens()).isEqualTo(9);
        assertThat(m.usage().outputTokens()).isEqualTo(9);
        assertThat(m.metrics().latencyMs()).isNotNull();
        assertThat(m.serviceTier().typeAsString()).isEqualTo("flex");
    }

    @Test
    void guardrailInterventionEndsNormallyWithItsStopReason() throws Exception {
        Seen s = converse(h2, "Bad [[emu id=gr guardrail=intervene]]");
        assertThat(s.error()).isNull();
        assertThat(s.stops().get(0).stopReasonAsString()).isEqualTo("guardrail_intervened");
        assertThat(String.join("", s.texts())).isEqualTo(ConverseScript.GUARDRAIL_TEXT);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "throttlingException",
                "modelStreamErrorException",
                "internalServerException",
                "serviceUnavailableException",
                "validationException"
            })
    void midStreamExceptionsReachTheSdkAsTheirModelledClasses(String type) throws Exception {
        Seen s = converse(h2, "Go [[emu id=mid-" + type + " mid=" + type + " mid_after=2]]");
        assertThat(s.error()).isNotNull();
        assertThat(s.error().getClass().getSimpleName()).isEqualToIgnoringCase(type);
        assertThat(s.events()).hasSize(2);
        assertThat(emulator.stats().attempts("mid-" + type))
                .extracting(Attempt::outcome)
                .containsExactly(type);
    }

    @Test
    void aCutConnectionEndsWithoutMessageStopAndACorruptFrameFails() throws Exception {
        Seen cut = converse(h1, "Go [[emu id=cut mid=close mid_after=3]]");
        assertThat(cut.stops()).isEmpty();
        assertThat(cut.metadata()).isEmpty();
        Seen corrupt = converse(h2, "Go [[emu id=corrupt mid=corrupt mid_after=2]]");
        assertThat(corrupt.error()).isNotNull();
        assertThat(corrupt.metadata()).isEmpty();
    }

    @Test
    void preStreamFaultsAndConverseValidation() {
        assertThatThrownBy(() -> rethrow(converse(h2, "Go [[emu id=pre pre=AccessDeniedException]]")))
                .hasMessageContaining("access");
        ConverseStreamRequest assistantFirst = ConverseStreamRequest.builder()
                .modelId("any-model")
                .messages(Message.builder()
                        .role("assistant")
                        .content(ContentBlock.fromText("hi"))
                        .build())
                .build();
        assertThatThrownBy(() -> h2.converseStream(
                                assistantFirst,
                                ConverseStreamResponseHandler.builder()
                                        .subscriber(e -> {})
                                        .build())
                        .join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ValidationException.class)
                .hasMessageContaining("start with a user message");
        ConverseStreamRequest zeroTokens = ConverseStreamRequest.builder()
                .modelId("any-model")
                .messages(Message.builder()
                        .role("user")
                        .content(ContentBlock.fromText("hi"))
                        .build())
                .inferenceConfig(c -> c.maxTokens(0))
                .build();
        assertThatThrownBy(() -> h2.converseStream(
                                zeroTokens,
                                ConverseStreamResponseHandler.builder()
                                        .subscriber(e -> {})
                                        .build())
                        .join())
                .hasCauseInstanceOf(ValidationException.class)
                .hasMessageContaining("maxTokens");
    }

    private static void rethrow(Seen s) throws Throwable {
        if (s.error() != null) {
            throw s.error();
        }
    }
}
