package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The {@code [[emu ...]]} grammar other helpers write tests against. */
class DirectivesTest {

    @Test
    void parsesKeyValuePairsFromTheFirstTokenInTheRawBody() {
        Directives d = Directives.parse("{\"prompt\":\"hi [[emu id=r1  words=5 mid=close]] and [[emu id=r2]]\"}");
        assertThat(d.id()).isEqualTo("r1");
        assertThat(d.integer("words")).hasValue(5);
        assertThat(d.string("mid")).isEqualTo("close");
        assertThat(d.integer("per_chunk")).isEmpty();
    }

    @Test
    void withoutATokenTheMarkerIsADash() {
        assertThat(Directives.parse("{\"prompt\":\"plain\"}").id()).isEqualTo("-");
        assertThat(Directives.parse("{\"prompt\":\"[[emu id=unterminated\"}").id())
                .isEqualTo("-");
    }

    @Test
    void timesLimitTheAttemptsAFaultAppliesTo() {
        Directives limited = Directives.parse("[[emu pre=X pre_times=2]]");
        assertThat(limited.appliesTo("pre_times", 1)).isTrue();
        assertThat(limited.appliesTo("pre_times", 2)).isTrue();
        assertThat(limited.appliesTo("pre_times", 3)).isFalse();
        assertThat(Directives.parse("[[emu pre=X]]").appliesTo("pre_times", 99)).isTrue();
    }

    @Test
    void modelIdsResolveToFamilies() {
        assertThat(Family.resolve("anthropic.claude-3-5-sonnet-20240620-v1:0", null))
                .hasValue(Family.ANTHROPIC);
        assertThat(Family.resolve("apac.amazon.nova-pro-v1:0", null)).hasValue(Family.NOVA);
        assertThat(Family.resolve("amazon.titan-text-premier-v1:0", null)).hasValue(Family.TITAN);
        assertThat(Family.resolve("us.meta.llama3-2-1b-instruct-v1:0", null)).hasValue(Family.LLAMA);
        assertThat(Family.resolve("mistral.mistral-large-2407-v1:0", null)).hasValue(Family.MISTRAL_CHAT);
        assertThat(Family.resolve("mistral.mistral-large-2402-v1:0", null)).hasValue(Family.MISTRAL);
        assertThat(Family.resolve("mistral.mistral-7b-instruct-v0:2", null)).hasValue(Family.MISTRAL);
        assertThat(Family.resolve("cohere.command-r-v1:0", null)).hasValue(Family.COHERE);
        assertThat(Family.resolve("cohere.command-text-v14", null)).isEmpty();
        assertThat(Family.resolve("ai21.jamba-1-5-mini-v1:0", null)).hasValue(Family.JAMBA);
        assertThat(Family.resolve("us.deepseek.r1-v1:0", null)).hasValue(Family.DEEPSEEK);
        assertThat(Family.resolve("openai.gpt-oss-120b-1:0", null)).hasValue(Family.OPENAI);
        assertThat(Family.resolve("arn:aws:bedrock:us-west-2::foundation-model/meta.llama3-8b-instruct-v1:0", null))
                .hasValue(Family.LLAMA);
        assertThat(Family.resolve("arn:aws:bedrock:us-east-1:111122223333:imported-model/x1", "mistral-chat"))
                .hasValue(Family.MISTRAL_CHAT);
        assertThat(Family.resolve("arn:aws:bedrock:us-east-1:111122223333:imported-model/x1", null))
                .isEmpty();
    }
}
