package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutputTokenWeightsTest {

    @Test
    void theFirstMatchingPatternGivesTheWeightAndOtherModelsWeighOne() {
        OutputTokenWeights w = OutputTokenWeights.parse(
                " *anthropic.claude-sonnet-4*:5 , anthropic.claude-3-haiku-20240307-v1:0:2.5, *claude*:3");
        assertThat(w.weight("anthropic.claude-sonnet-4-20250514-v1:0")).isEqualTo(5);
        assertThat(w.weight("us.anthropic.claude-sonnet-4-20250514-v1:0")).isEqualTo(5);
        assertThat(w.weight("ANTHROPIC.CLAUDE-SONNET-4-X")).isEqualTo(5);
        assertThat(w.weight("anthropic.claude-3-haiku-20240307-v1:0")).isEqualTo(2.5);
        assertThat(w.weight("anthropic.claude-3-haiku-20240307-v1:0:200k")).isEqualTo(3); // not the whole id
        assertThat(w.weight("meta.llama3-8b-instruct-v1:0")).isEqualTo(1);
        assertThat(w.weight(null)).isEqualTo(1);
    }

    @Test
    void aPatternWithoutAStarMatchesTheWholeIdOnlyAndDotsAreLiteral() {
        OutputTokenWeights w = OutputTokenWeights.parse("a.b:4");
        assertThat(w.weight("a.b")).isEqualTo(4);
        assertThat(w.weight("axb")).isEqualTo(1);
        assertThat(w.weight("a.bc")).isEqualTo(1);
    }

    @Test
    void emptyMeansNone() {
        assertThat(OutputTokenWeights.parse("")).isSameAs(OutputTokenWeights.NONE);
        assertThat(OutputTokenWeights.parse(null)).isSameAs(OutputTokenWeights.NONE);
        assertThat(OutputTokenWeights.parse(" , ")).isSameAs(OutputTokenWeights.NONE);
    }

    @Test
    void badEntriesAreRejectedByName() {
        assertThatThrownBy(() -> OutputTokenWeights.parse("claude*"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'claude*' is not pattern:weight");
        assertThatThrownBy(() -> OutputTokenWeights.parse("claude*:five"))
                .hasMessageContaining("the weight 'five' is not a number");
        assertThatThrownBy(() -> OutputTokenWeights.parse(":5")).hasMessageContaining("is not pattern:weight");
        assertThatThrownBy(() -> OutputTokenWeights.parse("x:0.5")).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> OutputTokenWeights.parse("x:NaN")).hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> OutputTokenWeights.parse("x:101")).hasMessageContaining("from 1 to 100");
    }
}
