package io.bedrockstream.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaultsToTheEmulator() {
        Demo.Options options = Demo.Options.parse(new String[0], Map.of());

        assertThat(options.useBedrock()).isFalse();
        assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void bedrockFromEnvironmentWithRegionAndModel() {
        Demo.Options options = Demo.Options.parse(
                new String[0],
                Map.of(
                        "DEMO_USE_BEDROCK",
                        "1",
                        "AWS_REGION",
                        "eu-west-1",
                        "DEMO_MODEL_ID",
                        "eu.amazon.nova-lite-v1:0"));

        assertThat(options)
                .isEqualTo(new Demo.Options(true, "eu.amazon.nova-lite-v1:0", "eu-west-1", Duration.ofSeconds(120)));
    }

    @Test
    void flagsWinOverEnvironment() {
        Demo.Options options = Demo.Options.parse(
                new String[] {"--bedrock", "--model", "m", "--region", "us-west-2", "--timeout-s", "30"},
                Map.of("AWS_REGION", "eu-west-1"));

        assertThat(options).isEqualTo(new Demo.Options(true, "m", "us-west-2", Duration.ofSeconds(30)));
        assertThat(Demo.Options.parse(new String[] {"--bedrock"}, Map.of()).modelId())
                .isEqualTo("us.anthropic.claude-3-5-haiku-20241022-v1:0");
    }

    @Test
    void unknownFlagOrMissingValueIsRefused() {
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--fast"}, Map.of()))
                .hasMessage("unknown argument --fast");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--model"}, Map.of()))
                .hasMessage("--model needs a value");
    }
}
