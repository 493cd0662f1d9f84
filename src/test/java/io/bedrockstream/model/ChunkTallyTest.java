package io.bedrockstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChunkTallyTest {

    @Test
    void emptyTallyHasNothing() {
        ChunkTally tally = new ChunkTally();
        assertThat(tally.chunks()).isZero();
        assertThat(tally.terminalSeen()).isFalse();
        assertThat(tally.text()).isEmpty();
        assertThat(tally.stopReason()).isNull();
        assertThat(tally.inputTokens()).isNull();
        assertThat(tally.outputTokens()).isNull();
        assertThat(tally.metrics()).isNull();
    }

    @Test
    void lastFamilyFiguresWinWithoutMetrics() {
        ChunkTally tally = new ChunkTally();
        tally.add(new ParsedChunk(null, null, 10L, 1L, null, false));
        tally.add(new ParsedChunk("Hi", null, null, null, null, false));
        tally.add(new ParsedChunk(" there", null, null, null, null, false));
        tally.add(new ParsedChunk(null, "end_turn", null, 15L, null, false));
        assertThat(tally.terminalSeen()).isFalse();
        tally.add(new ParsedChunk(null, null, null, null, null, true));
        assertThat(tally.chunks()).isEqualTo(5);
        assertThat(tally.terminalSeen()).isTrue();
        assertThat(tally.text()).isEqualTo("Hi there");
        assertThat(tally.stopReason()).isEqualTo("end_turn");
        assertThat(tally.inputTokens()).isEqualTo(10L);
        assertThat(tally.outputTokens()).isEqualTo(15L);
    }

    @Test
    void metricsCountsWinOverFamilyUsage() {
        ChunkTally tally = new ChunkTally();
        tally.add(new ParsedChunk("a", null, 5L, 2L, null, false));
        InvocationMetrics metrics = new InvocationMetrics(6L, null, 70L, 10L);
        tally.add(new ParsedChunk(null, "COMPLETE", 5L, 2L, metrics, true));
        assertThat(tally.inputTokens()).isEqualTo(6L);
        assertThat(tally.outputTokens()).as("metrics without an output count").isEqualTo(2L);
        assertThat(tally.metrics()).isEqualTo(metrics);
    }

    @Test
    void talliesARealAnthropicStream() {
        ChunkParser parser = ChunkParsers.forFamily(ModelFamily.ANTHROPIC);
        ChunkTally tally = new ChunkTally();
        for (String chunk : new String[] {
            "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}",
            "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}",
            "{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":10,"
                    + "\"outputTokenCount\":15,\"invocationLatency\":1798,\"firstByteLatency\":1507}}"
        }) {
            tally.add(parser.parse(chunk.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        assertThat(tally.text()).isEqualTo("Hi");
        assertThat(tally.stopReason()).isEqualTo("end_turn");
        assertThat(tally.inputTokens()).isEqualTo(10L);
        assertThat(tally.outputTokens()).isEqualTo(15L);
        assertThat(tally.metrics()).isEqualTo(new InvocationMetrics(10L, 15L, 1798L, 1507L));
        assertThat(tally.terminalSeen()).isTrue();
    }
}
