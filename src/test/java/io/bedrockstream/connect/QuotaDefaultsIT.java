package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.engine.OutputTokenWeights;
import io.bedrockstream.engine.QuotaRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * Quota-aware admission at the connector's default rate.tokens.output.weights, for a model Bedrock burns output
 * quota 5× for (Claude Sonnet 4: "How tokens are counted in Amazon Bedrock"; the emulator does the same by
 * default). Issue 9: "the connector at defaults sees ≤ 1% of calls throttled"; the bound here is
 * QuotaAdmissionIT's loose 3%.
 */
class QuotaDefaultsIT {
    private static final String SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0";
    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(
                EmulatorOptions.builder().credentials("AKIDTEST", "secret").build());
        client = EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP2);
    }

    @AfterAll
    static void stop() {
        client.close();
        emulator.close();
    }

    @Test
    void aClaude4ModelAtTheDefaultWeightsIsRarelyThrottled() throws Exception {
        String defaultWeights = (String)
                BedrockSinkConfig.configDef().defaultValues().get(BedrockConnectorConfig.RATE_TOKENS_OUTPUT_WEIGHTS);
        QuotaRun.Figures f = QuotaRun.run(
                emulator,
                client,
                QuotaRun.Mode.RESERVE,
                5_000,
                5_000,
                5,
                SONNET_4,
                OutputTokenWeights.parse(defaultWeights));
        System.out.println(f);
        assertThat(f.backlogLeft()).as("the backlog lasted the whole run").isPositive();
        assertThat(f.throttledPct()).as(f.toString()).isLessThanOrEqualTo(3.0);
    }
}
