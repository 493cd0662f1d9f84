package io.bedrockstream.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.model.ModelFamily;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimatorTest {

    private static ModelRequest request(ModelFamily family, BedrockApi api, String body) {
        return new ModelRequest(
                "r",
                "m",
                family,
                body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "t",
                0,
                0,
                null,
                api,
                null,
                null,
                null);
    }

    @Test
    void inputIsAsciiBytesOverFourRoundedUpPlusOnePerOtherCodePoint() {
        assertThat(TokenEstimator.inputTokens(new byte[0])).isZero();
        assertThat(TokenEstimator.inputTokens("abcd".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(TokenEstimator.inputTokens("abcde".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(2);
        // 3 CJK characters (3 bytes each) and one emoji (4 bytes): one token each, plus "ab" → 1
        assertThat(TokenEstimator.inputTokens("ab日本語😀".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(1 + 4);
        assertThat(TokenEstimator.inputTokens(null)).isZero();
    }

    @Test
    void textTokensCountAsInputDoes() {
        assertThat(TokenEstimator.textTokens("abcde")).isEqualTo(2);
        assertThat(TokenEstimator.textTokens("ab日本語😀")).isEqualTo(1 + 4); // the surrogate pair counts once
        assertThat(TokenEstimator.textTokens(null)).isZero();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ANTHROPIC    | {\"anthropic_version\":\"x\",\"max_tokens\":300,\"messages\":[]}        | 300",
                "TITAN        | {\"inputText\":\"hi\",\"textGenerationConfig\":{\"maxTokenCount\":301}} | 301",
                "NOVA         | {\"messages\":[],\"inferenceConfig\":{\"maxTokens\":302}}               | 302",
                "NOVA         | {\"messages\":[],\"inferenceConfig\":{\"max_new_tokens\":303}}          | 303",
                "NOVA         | {\"messages\":[],\"max_new_tokens\":304}                                | 304",
                "LLAMA        | {\"prompt\":\"hi\",\"max_gen_len\":305}                                  | 305",
                "MISTRAL      | {\"prompt\":\"hi\",\"max_tokens\":306}                                   | 306",
                "MISTRAL_CHAT | {\"messages\":[],\"max_tokens\":307}                                    | 307",
                "COHERE       | {\"message\":\"hi\",\"max_tokens\":308}                                  | 308",
                "JAMBA        | {\"messages\":[],\"max_tokens\":309}                                    | 309",
                "DEEPSEEK     | {\"prompt\":\"hi\",\"max_tokens\":310.0}                                 | 310",
                "OPENAI       | {\"messages\":[],\"max_completion_tokens\":311,\"max_tokens\":1}        | 311",
                "OPENAI       | {\"messages\":[],\"max_tokens\":312}                                    | 312",
            })
    void maxTokensAreReadWhereEachFamilyPutsThem(ModelFamily family, String body, long expected) {
        assertThat(TokenEstimator.maxTokens(request(family, BedrockApi.INVOKE, body)))
                .isEqualTo(OptionalLong.of(expected));
    }

    @Test
    void aFamilyReadsOnlyItsOwnField() {
        // Llama's body with Anthropic's name: Bedrock would ignore it, so the default applies
        assertThat(TokenEstimator.maxTokens(
                        request(ModelFamily.LLAMA, BedrockApi.INVOKE, "{\"prompt\":\"hi\",\"max_tokens\":5}")))
                .isEmpty();
        assertThat(TokenEstimator.maxTokens(request(ModelFamily.TITAN, BedrockApi.INVOKE, "{\"inputText\":\"hi\"}")))
                .isEmpty();
    }

    @Test
    void converseReadsInferenceConfigMaxTokensWhateverTheFamily() {
        assertThat(TokenEstimator.maxTokens(request(
                        null, BedrockApi.CONVERSE, "{\"messages\":[],\"inferenceConfig\":{\"maxTokens\":400}}")))
                .isEqualTo(OptionalLong.of(400));
        assertThat(TokenEstimator.maxTokens(
                        request(ModelFamily.ANTHROPIC, BedrockApi.CONVERSE, "{\"messages\":[],\"max_tokens\":9}")))
                .isEmpty();
        assertThat(TokenEstimator.maxTokens(request(null, BedrockApi.CONVERSE, "{\"messages\":[]}")))
                .isEmpty();
    }

    @Test
    void withoutAFamilyEveryKnownNameIsTried() {
        assertThat(TokenEstimator.maxTokens(request(null, BedrockApi.INVOKE, "{\"max_gen_len\":77}")))
                .isEqualTo(OptionalLong.of(77));
        assertThat(TokenEstimator.maxTokens(
                        request(null, BedrockApi.INVOKE, "{\"textGenerationConfig\":{\"maxTokenCount\":78}}")))
                .isEqualTo(OptionalLong.of(78));
    }

    @Test
    void aBodyThatIsNotJsonOrHasABadValueHasNoMaxTokens() {
        assertThat(TokenEstimator.maxTokens(request(ModelFamily.ANTHROPIC, BedrockApi.INVOKE, "not json")))
                .isEmpty();
        assertThat(TokenEstimator.maxTokens(
                        request(ModelFamily.ANTHROPIC, BedrockApi.INVOKE, "{\"max_tokens\":\"300\"}")))
                .isEmpty();
        assertThat(TokenEstimator.maxTokens(request(ModelFamily.ANTHROPIC, BedrockApi.INVOKE, "{\"max_tokens\":-3}")))
                .isEmpty();
        assertThat(TokenEstimator.maxTokens(request(ModelFamily.ANTHROPIC, BedrockApi.INVOKE, "[1]")))
                .isEmpty();
    }
}
