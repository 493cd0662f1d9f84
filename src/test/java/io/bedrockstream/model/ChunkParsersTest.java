package io.bedrockstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkParsersTest {

    private static final String METRICS_10_15 = "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":10,"
            + "\"outputTokenCount\":15,\"invocationLatency\":1798,\"firstByteLatency\":1507}";
    private static final InvocationMetrics M_10_15 = new InvocationMetrics(10L, 15L, 1798L, 1507L);

    static ParsedChunk parse(ModelFamily family, String json) {
        return ChunkParsers.forFamily(family).parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static List<ParsedChunk> parseAll(ModelFamily family, String... chunks) {
        return java.util.Arrays.stream(chunks).map(c -> parse(family, c)).toList();
    }

    static ParsedChunk text(String t) {
        return new ParsedChunk(t, null, null, null, null, false);
    }

    static final ParsedChunk NOTHING = new ParsedChunk(null, null, null, null, null, false);

    @Nested
    class Anthropic {
        @Test
        void realCapture() {
            List<ParsedChunk> parsed = parseAll(
                    ModelFamily.ANTHROPIC,
                    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_…\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-…\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                    "{\"type\":\"content_block_stop\",\"index\":0}",
                    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}",
                    "{\"type\":\"message_stop\"," + METRICS_10_15 + "}");
            assertThat(parsed)
                    .containsExactly(
                            new ParsedChunk(null, null, 10L, 1L, null, false),
                            NOTHING,
                            text("Hi"),
                            NOTHING,
                            new ParsedChunk(null, "end_turn", null, 15L, null, false),
                            new ParsedChunk(null, null, 10L, 15L, M_10_15, true));
        }

        @Test
        void toolInputAndThinkingDeltasAreNotText() {
            assertThat(parse(
                            ModelFamily.ANTHROPIC,
                            "{\"type\":\"content_block_delta\",\"index\":1,"
                                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}"))
                    .isEqualTo(NOTHING);
            assertThat(parse(
                            ModelFamily.ANTHROPIC,
                            "{\"type\":\"content_block_delta\",\"index\":0,"
                                    + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}"))
                    .isEqualTo(NOTHING);
            assertThat(parse(
                            ModelFamily.ANTHROPIC,
                            "{\"type\":\"content_block_delta\",\"index\":0,"
                                    + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"abc\"}}"))
                    .isEqualTo(NOTHING);
        }

        @Test
        void unknownEventsAndShapesAreIgnored() {
            assertThat(parse(ModelFamily.ANTHROPIC, "{\"type\":\"ping\"}")).isEqualTo(NOTHING);
            assertThat(parse(ModelFamily.ANTHROPIC, "{\"type\":\"content_block_delta\",\"delta\":\"odd\"}"))
                    .isEqualTo(NOTHING);
            assertThat(parse(ModelFamily.ANTHROPIC, "{\"something\":{\"else\":1}}"))
                    .isEqualTo(NOTHING);
            assertThat(parse(ModelFamily.ANTHROPIC, "{}")).isEqualTo(NOTHING);
        }

        @Test
        void familyUsageWinsOverMetricsCounts() {
            assertThat(parse(
                            ModelFamily.ANTHROPIC,
                            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},"
                                    + "\"usage\":{\"output_tokens\":7}," + METRICS_10_15 + "}"))
                    .isEqualTo(new ParsedChunk(null, "max_tokens", 10L, 7L, M_10_15, true));
        }
    }

    @Nested
    class Titan {
        @Test
        void documentedSequence() {
            List<ParsedChunk> parsed = parseAll(
                    ModelFamily.TITAN,
                    "{\"outputText\":\"Hello\",\"index\":0,\"totalOutputTextTokenCount\":null,\"completionReason\":null,\"inputTextTokenCount\":3}",
                    "{\"outputText\":\" world\",\"index\":0,\"totalOutputTextTokenCount\":null,\"completionReason\":null,\"inputTextTokenCount\":null}",
                    "{\"outputText\":\"\",\"index\":0,\"totalOutputTextTokenCount\":4,\"completionReason\":\"FINISH\",\"inputTextTokenCount\":null,"
                            + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":3,\"outputTokenCount\":4,\"invocationLatency\":500,\"firstByteLatency\":200}}");
            assertThat(parsed)
                    .containsExactly(
                            new ParsedChunk("Hello", null, 3L, null, null, false),
                            text(" world"),
                            new ParsedChunk("", "FINISH", 3L, 4L, new InvocationMetrics(3L, 4L, 500L, 200L), true));
        }

        @Test
        void completionReasonAloneIsTerminal() {
            assertThat(parse(ModelFamily.TITAN, "{\"outputText\":\"x\",\"completionReason\":\"LENGTH\"}"))
                    .isEqualTo(new ParsedChunk("x", "LENGTH", null, null, null, true));
        }

        @Test
        void absentOutputTextIsNull() {
            assertThat(parse(ModelFamily.TITAN, "{\"index\":0}")).isEqualTo(NOTHING);
        }
    }

    @Nested
    class Nova {
        @Test
        void documentedSequence() {
            List<ParsedChunk> parsed = parseAll(
                    ModelFamily.NOVA,
                    "{\"messageStart\":{\"role\":\"assistant\"}}",
                    "{\"contentBlockDelta\":{\"delta\":{\"text\":\"Hello\"},\"contentBlockIndex\":0}}",
                    "{\"contentBlockStop\":{\"contentBlockIndex\":0}}",
                    "{\"messageStop\":{\"stopReason\":\"end_turn\"}}",
                    "{\"metadata\":{\"usage\":{\"inputTokens\":4,\"outputTokens\":38},\"metrics\":{},\"trace\":{}},"
                            + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":4,\"outputTokenCount\":38,\"invocationLatency\":900,\"firstByteLatency\":100}}");
            assertThat(parsed)
                    .containsExactly(
                            NOTHING,
                            text("Hello"),
                            NOTHING,
                            new ParsedChunk(null, "end_turn", null, null, null, true),
                            new ParsedChunk(null, null, 4L, 38L, new InvocationMetrics(4L, 38L, 900L, 100L), true));
        }

        @Test
        void metadataWithoutMetricsIsTerminal() {
            assertThat(parse(ModelFamily.NOVA, "{\"metadata\":{\"usage\":{\"inputTokens\":1,\"outputTokens\":2}}}"))
                    .isEqualTo(new ParsedChunk(null, null, 1L, 2L, null, true));
        }

        @Test
        void toolUseDeltaHasNoText() {
            assertThat(parse(ModelFamily.NOVA, "{\"contentBlockDelta\":{\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}}"))
                    .isEqualTo(NOTHING);
        }
    }

    @Nested
    class Llama {
        @Test
        void documentedSequence() {
            List<ParsedChunk> parsed = parseAll(
                    ModelFamily.LLAMA,
                    "{\"generation\":\" Hello\",\"prompt_token_count\":12,\"generation_token_count\":1,\"stop_reason\":null}",
                    "{\"generation\":\" there\",\"prompt_token_count\":null,\"generation_token_count\":2,\"stop_reason\":null}",
                    "{\"generation\":\"\",\"prompt_token_count\":null,\"generation_token_count\":3,\"stop_reason\":\"stop\","
                            + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":12,\"outputTokenCount\":3,\"invocationLatency\":300,\"firstByteLatency\":90}}");
            assertThat(parsed)
                    .containsExactly(
                            new ParsedChunk(" Hello", null, 12L, 1L, null, false),
                            new ParsedChunk(" there", null, null, 2L, null, false),
                            new ParsedChunk("", "stop", 12L, 3L, new InvocationMetrics(12L, 3L, 300L, 90L), true));
        }

        @Test
        void lengthStopIsTerminalWithoutMetrics() {
            assertThat(parse(ModelFamily.LLAMA, "{\"generation\":\"x\",\"stop_reason\":\"length\"}"))
                    .isEqualTo(new ParsedChunk("x", "length", null, null, null, true));
        }
    }

    @Nested
    class Mistral {
        @ParameterizedTest
        @EnumSource(
                value = ModelFamily.class,
                names = {"MISTRAL", "MISTRAL_CHAT"})
        void textShape(ModelFamily family) {
            assertThat(parseAll(
                            family,
                            "{\"outputs\":[{\"text\":\"Bon\",\"stop_reason\":null}]}",
                            "{\"outputs\":[{\"text\":\"jour\",\"stop_reason\":\"stop\"}]," + METRICS_10_15 + "}"))
                    .containsExactly(text("Bon"), new ParsedChunk("jour", "stop", 10L, 15L, M_10_15, true));
        }

        @ParameterizedTest
        @EnumSource(
                value = ModelFamily.class,
                names = {"MISTRAL", "MISTRAL_CHAT"})
        void chatShapeWithMessageOrDelta(ModelFamily family) {
            assertThat(
                            parseAll(
                                    family,
                                    "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Bon\"},\"stop_reason\":null}]}",
                                    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"jour\"},\"finish_reason\":null}]}",
                                    "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"stop_reason\":\"length\"}]}"))
                    .containsExactly(text("Bon"), text("jour"), new ParsedChunk("", "length", null, null, null, true));
        }

        @Test
        void emptyChoicesAreIgnored() {
            assertThat(parse(ModelFamily.MISTRAL_CHAT, "{\"choices\":[]}")).isEqualTo(NOTHING);
            assertThat(parse(ModelFamily.MISTRAL, "{\"outputs\":[\"odd\"]}")).isEqualTo(NOTHING);
        }
    }

    @Nested
    class Cohere {
        @Test
        void commandRSequence() {
            List<ParsedChunk> parsed = parseAll(
                    ModelFamily.COHERE,
                    "{\"is_finished\":false,\"event_type\":\"stream-start\",\"generation_id\":\"g1\"}",
                    "{\"is_finished\":false,\"event_type\":\"text-generation\",\"text\":\"Hi\"}",
                    "{\"is_finished\":false,\"event_type\":\"text-generation\",\"text\":\" there\"}",
                    "{\"is_finished\":true,\"event_type\":\"stream-end\",\"response\":{\"text\":\"Hi there\",\"meta\":"
                            + "{\"billed_units\":{\"input_tokens\":5,\"output_tokens\":2}}},\"finish_reason\":\"COMPLETE\","
                            + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":6,\"outputTokenCount\":2,\"invocationLatency\":77,\"firstByteLatency\":11}}");
            assertThat(parsed)
                    .containsExactly(
                            NOTHING,
                            text("Hi"),
                            text(" there"),
                            new ParsedChunk(null, "COMPLETE", 5L, 2L, new InvocationMetrics(6L, 2L, 77L, 11L), true));
        }

        @Test
        void isFinishedAloneIsTerminal() {
            assertThat(parse(ModelFamily.COHERE, "{\"is_finished\":true,\"finish_reason\":\"MAX_TOKENS\"}"))
                    .isEqualTo(new ParsedChunk(null, "MAX_TOKENS", null, null, null, true));
        }

        @Test
        void olderGenerationsShape() {
            assertThat(parseAll(
                            ModelFamily.COHERE,
                            "{\"generations\":[{\"text\":\"Hel\",\"finish_reason\":null}]}",
                            "{\"generations\":[{\"text\":\"lo\",\"finish_reason\":\"COMPLETE\"}]}"))
                    .containsExactly(text("Hel"), new ParsedChunk("lo", "COMPLETE", null, null, null, true));
        }

        @Test
        void textOutsideTextGenerationIsIgnored() {
            assertThat(parse(
                            ModelFamily.COHERE,
                            "{\"is_finished\":false,\"event_type\":\"search-queries-generation\","
                                    + "\"text\":\"query\"}"))
                    .isEqualTo(NOTHING);
        }
    }

    @Nested
    class Jamba {
        @Test
        void openAiStyleDeltas() {
            assertThat(
                            parseAll(
                                    ModelFamily.JAMBA,
                                    "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}",
                                    "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}",
                                    "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                                            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1,\"total_tokens\":10},"
                                            + "\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":9,\"outputTokenCount\":1,\"invocationLatency\":50,\"firstByteLatency\":20}}"))
                    .containsExactly(
                            NOTHING,
                            text("Hi"),
                            new ParsedChunk(null, "stop", 9L, 1L, new InvocationMetrics(9L, 1L, 50L, 20L), true));
        }

        @Test
        void ai21FixtureShape() {
            assertThat(parse(
                            ModelFamily.JAMBA,
                            "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                                    + "\"content\":\"Hi\"},\"stop_reason\":\"stop\"}]}"))
                    .isEqualTo(new ParsedChunk("Hi", "stop", null, null, null, true));
        }
    }

    @Nested
    class DeepSeek {
        @Test
        void documentedChoicesShape() {
            assertThat(parseAll(
                            ModelFamily.DEEPSEEK,
                            "{\"choices\":[{\"text\":\"<think>\",\"stop_reason\":null}]}",
                            "{\"choices\":[{\"text\":\"ok\",\"stop_reason\":\"stop\"}]," + METRICS_10_15 + "}"))
                    .containsExactly(text("<think>"), new ParsedChunk("ok", "stop", 10L, 15L, M_10_15, true));
        }

        @Test
        void llamaStyleShape() {
            assertThat(
                            parseAll(
                                    ModelFamily.DEEPSEEK,
                                    "{\"generation\":\"a\",\"prompt_token_count\":4,\"generation_token_count\":1,\"stop_reason\":null}",
                                    "{\"generation\":\"b\",\"prompt_token_count\":null,\"generation_token_count\":2,\"stop_reason\":\"length\"}"))
                    .containsExactly(
                            new ParsedChunk("a", null, 4L, 1L, null, false),
                            new ParsedChunk("b", "length", null, 2L, null, true));
        }
    }

    @Nested
    class OpenAi {
        @Test
        void chatCompletionChunks() {
            assertThat(parseAll(
                            ModelFamily.OPENAI,
                            "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                            "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Yes\"},\"finish_reason\":null}]}",
                            "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}],"
                                    + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":2}}"))
                    .containsExactly(text(""), text("Yes"), new ParsedChunk(null, "length", 20L, 2L, null, true));
        }

        @Test
        void messageContentTolerated() {
            assertThat(parse(
                            ModelFamily.OPENAI,
                            "{\"choices\":[{\"message\":{\"content\":\"Yes\"},\"finish_reason\":\"stop\"}]}"))
                    .isEqualTo(new ParsedChunk("Yes", "stop", null, null, null, true));
        }
    }

    @Nested
    class AnyFamily {
        @ParameterizedTest
        @EnumSource(ModelFamily.class)
        void everyFamilyHasAParser(ModelFamily family) {
            assertThat(ChunkParsers.forFamily(family)).isNotNull();
        }

        @ParameterizedTest
        @EnumSource(ModelFamily.class)
        void metricsAloneMakeAChunkTerminalWithTheirCounts(ModelFamily family) {
            assertThat(parse(family, "{\"unexpected\":true," + METRICS_10_15 + "}"))
                    .isEqualTo(new ParsedChunk(null, null, 10L, 15L, M_10_15, true));
        }

        @ParameterizedTest
        @EnumSource(ModelFamily.class)
        void partialMetricsAreKeptAsTheyAre(ModelFamily family) {
            assertThat(parse(
                            family,
                            "{\"amazon-bedrock-invocationMetrics\":{\"invocationLatency\":5,"
                                    + "\"cacheReadInputTokenCount\":3}}"))
                    .isEqualTo(
                            new ParsedChunk(null, null, null, null, new InvocationMetrics(null, null, 5L, null), true));
        }

        @ParameterizedTest
        @EnumSource(ModelFamily.class)
        void unknownChunksAreIgnored(ModelFamily family) {
            assertThat(parse(family, "{\"type\":\"brand_new_event\",\"payload\":{\"x\":[1,2]}}"))
                    .isEqualTo(NOTHING);
            assertThat(parse(family, "{\"amazon-bedrock-invocationMetrics\":null}"))
                    .isEqualTo(NOTHING);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "",
                    "not json",
                    "[1,2]",
                    "\"text\"",
                    "42",
                    "null",
                    "{\"a\":1",
                    "{\"a\":1} trailing",
                    "{\"a\":1}{\"b\":2}"
                })
        void bytesThatAreNotOneJsonObjectAreMalformed(String bytes) {
            for (ModelFamily family : ModelFamily.values()) {
                assertThatThrownBy(() -> parse(family, bytes))
                        .as(family + " with <" + bytes + ">")
                        .isInstanceOf(MalformedChunkException.class)
                        .hasMessageStartingWith("chunk ");
            }
        }

        @Test
        void nullBytesAreMalformed() {
            assertThatThrownBy(
                            () -> ChunkParsers.forFamily(ModelFamily.ANTHROPIC).parse(null))
                    .isInstanceOf(MalformedChunkException.class);
        }

        @Test
        void invalidUtf8IsMalformed() {
            byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
            assertThatThrownBy(() -> ChunkParsers.forFamily(ModelFamily.LLAMA).parse(bad))
                    .isInstanceOf(MalformedChunkException.class);
        }

        @Test
        void longUnrecognisedTokenIsCutShort() {
            assertThatThrownBy(() -> parse(ModelFamily.TITAN, "x".repeat(5000)))
                    .isInstanceOf(MalformedChunkException.class)
                    .message()
                    .hasSizeLessThan(250);
        }

        @Test
        void malformedMessageDoesNotQuoteTheChunk() {
            String secret = "{\"generation\":\"the secret answer is 42\", oops}";
            assertThatThrownBy(() -> parse(ModelFamily.LLAMA, secret))
                    .isInstanceOf(MalformedChunkException.class)
                    .message()
                    .doesNotContain("secret answer");
        }
    }
}
