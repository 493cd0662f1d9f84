package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.engine.EngineSettings;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** rate.tokens.* as the engine gets them, and their validation. */
class TokenQuotaConfigTest {

    private static EngineSettings engine(String... keyValues) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return EngineWiring.engine(new BedrockSinkConfig(props));
    }

    @Test
    void theQuotaTheWeightsAndTheDefaultMaxTokensReachTheEngine() {
        EngineSettings s = engine(
                "rate.tokens.per.minute",
                "200000",
                "rate.tokens.output.weights",
                "*anthropic.claude-sonnet-4*:5, *opus*:4",
                "rate.tokens.default.max.tokens",
                "64000");
        assertThat(s.tokensPerMinute()).isEqualTo(200_000);
        assertThat(s.quota().outputWeights().weight("us.anthropic.claude-sonnet-4-20250514-v1:0"))
                .isEqualTo(5);
        assertThat(s.quota().outputWeights().weight("anthropic.claude-opus-4-1-v1:0"))
                .isEqualTo(4);
        assertThat(s.quota().outputWeights().weight("meta.llama3-8b-instruct-v1:0"))
                .isEqualTo(1);
        assertThat(s.quota().defaultMaxTokens()).isEqualTo(64_000);
        assertThat(s.quota().windowMs()).isEqualTo(60_000);
        assertThat(s.quota().reserveAtStart()).isTrue();
    }

    @Test
    void theDefaultsAreNoQuotaBedrocksBurndownAnd4096() {
        EngineSettings s = engine();
        assertThat(s.tokensPerMinute()).isZero();
        assertThat(s.quota().outputWeights().weight("anthropic.claude-sonnet-4-20250514-v1:0"))
                .isEqualTo(5);
        assertThat(s.quota().outputWeights().weight("us.anthropic.claude-opus-4-1-20250805-v1:0"))
                .isEqualTo(5);
        assertThat(s.quota().outputWeights().weight("anthropic.claude-3-7-sonnet-20250219-v1:0"))
                .isEqualTo(5);
        assertThat(s.quota().outputWeights().weight("anthropic.claude-3-haiku-20240307-v1:0"))
                .isEqualTo(1);
        assertThat(engine("rate.tokens.output.weights", "")
                        .quota()
                        .outputWeights()
                        .weight("anthropic.claude-sonnet-4-20250514-v1:0"))
                .isEqualTo(1);
        assertThat(s.quota().defaultMaxTokens()).isEqualTo(4096);
    }

    @Test
    void theDefaultWeightsAreTheBurndownTheEmulatorsQuotaApplies() {
        assertThat(io.bedrockstream.engine.OutputTokenWeights.BEDROCK_BURNDOWN)
                .isEqualTo(io.bedrockstream.emulator.EmulatorOptions.BEDROCK_OUTPUT_WEIGHTS);
    }

    @Test
    void aBadWeightEntryIsAConfigErrorNamingIt() {
        assertThatThrownBy(() -> engine("rate.tokens.output.weights", "*claude*:5,*opus*"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rate.tokens.output.weights")
                .hasMessageContaining("'*opus*' is not pattern:weight");
        assertThatThrownBy(() -> engine("rate.tokens.output.weights", "*claude*:0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("from 1 to 100");
        assertThatThrownBy(() -> engine("rate.tokens.default.max.tokens", "0"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rate.tokens.default.max.tokens");
    }
}
