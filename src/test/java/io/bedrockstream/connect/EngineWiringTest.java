package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The credentials settings a task hands to the Bedrock client factory, from the connector config. */
class EngineWiringTest {

    private static CredentialsSettings credentials(String... keyValues) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        BedrockClientSettings client = EngineWiring.client(new BedrockSinkConfig(props));
        return client.credentials();
    }

    @Test
    void assumeRoleCarriesTheRoleTheExternalIdAndTheStsEndpoint() {
        CredentialsSettings c = credentials(
                "bedrock.credentials.provider",
                "assume-role",
                "bedrock.role.arn",
                "arn:aws:iam::123456789012:role/invoker",
                "bedrock.role.external.id",
                "ext-1",
                "bedrock.sts.endpoint.override",
                "https://sts.eu-west-1.amazonaws.com");

        assertThat(c)
                .isEqualTo(CredentialsSettings.assumeRole(
                        "arn:aws:iam::123456789012:role/invoker",
                        "ext-1",
                        "kafka-connect-bedrock-stream",
                        URI.create("https://sts.eu-west-1.amazonaws.com")));
    }

    @Test
    void assumeRoleWithoutARoleReachesTheFactoryWhichFailsEachCallSayingWhatToSet() {
        CredentialsSettings c = credentials("bedrock.credentials.provider", "assume-role");

        assertThat(c.provider()).isEqualTo(CredentialsSettings.Provider.ASSUME_ROLE);
        assertThat(c.roleArn()).isNull();
        assertThat(c.stsEndpointOverride()).isNull();
    }

    /**
     * The SDK gives a finished stream back to its pool a little after the engine has freed the request's slot;
     * a pool of exactly max.in.flight.requests made the next call wait for it (EngineLatencyProbe: submit → the
     * emulator has the call, p50 25 → 13 ms, p99 96 → 59 ms with twice the streams). The engine still bounds
     * how many calls are open.
     */
    @Test
    void theSdkPoolHasTwiceTheInFlightLimitSoANewCallNeverWaitsForAFinishedStreamToBeReleased() {
        Map<String, String> props = TestConfigs.validSink();
        props.put("max.in.flight.requests", "64");
        assertThat(EngineWiring.client(new BedrockSinkConfig(props)).maxConnections())
                .isEqualTo(128);
        props.put("max.in.flight.requests", "1");
        assertThat(EngineWiring.client(new BedrockSinkConfig(props)).maxConnections())
                .isEqualTo(2);
    }

    @Test
    void profileAndStaticKeys() {
        assertThat(credentials("bedrock.credentials.provider", "profile", "bedrock.profile.name", "bedrock"))
                .isEqualTo(CredentialsSettings.profile("bedrock"));
        assertThat(credentials(
                        "bedrock.credentials.provider",
                        "static",
                        "bedrock.access.key.id",
                        "AKID",
                        "bedrock.secret.access.key",
                        "secret"))
                .isEqualTo(CredentialsSettings.staticKeys("AKID", "secret", null));
    }

    @Test
    void apiKeyHandsTheKeyOverAndNothingElse() {
        assertThat(credentials("bedrock.credentials.provider", "api-key", "bedrock.api.key", "ABSKkey-0001"))
                .isEqualTo(CredentialsSettings.apiKey("ABSKkey-0001"));
        assertThat(credentials("bedrock.credentials.provider", "api-key", "bedrock.api.key", " "))
                .isEqualTo(CredentialsSettings.apiKey(null));
    }

    @Test
    void theTokenBudgetIsLearnedByDefaultAndRateTokensLearnFalseTurnsItOff() {
        Map<String, String> props = TestConfigs.validSink();
        assertThat(EngineWiring.engine(new BedrockSinkConfig(props)).quota().learn())
                .isTrue();
        props.put("rate.tokens.learn", "false");
        assertThat(EngineWiring.engine(new BedrockSinkConfig(props)).quota().learn())
                .isFalse();
    }
}
