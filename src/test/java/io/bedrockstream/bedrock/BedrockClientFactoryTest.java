package io.bedrockstream.bedrock;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BedrockClientFactoryTest {

    private static BedrockClientSettings.Builder base() {
        return BedrockClientSettings.builder("eu-west-1");
    }

    @Test
    void regionIsRequired() {
        assertThatThrownBy(() -> BedrockClientSettings.builder(" ").build())
                .hasMessageContaining("bedrock.region");
    }

    @Test
    void defaultsApplyToMissingValues() {
        BedrockClientSettings s = new BedrockClientSettings("us-east-1", null, null, null, null, Duration.ZERO,
                null, 0);
        assertThat(s.httpProtocol()).isEqualTo(BedrockClientSettings.HttpProtocol.HTTP2);
        assertThat(s.credentials().provider()).isEqualTo(CredentialsSettings.Provider.DEFAULT);
        assertThat(s.streamIdleTimeout()).isEqualTo(BedrockClientSettings.DEFAULT_STREAM_IDLE_TIMEOUT);
        assertThat(s.maxConnections()).isEqualTo(BedrockClientSettings.DEFAULT_MAX_CONNECTIONS);
    }

    @Test
    void staticKeysWithASessionTokenGiveSessionCredentials() {
        AwsCredentials c = BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.staticKeys("AKID", "secret", "token")).build()).resolveCredentials();
        assertThat(c).isInstanceOfSatisfying(AwsSessionCredentials.class,
                s -> assertThat(s.sessionToken()).isEqualTo("token"));
        AwsCredentials basic = BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.staticKeys("AKID", "secret", null)).build()).resolveCredentials();
        assertThat(basic).isNotInstanceOf(AwsSessionCredentials.class);
        assertThat(basic.accessKeyId()).isEqualTo("AKID");
    }

    @Test
    void staticWithoutKeysSaysWhichSettingIsMissing() {
        assertThatThrownBy(() -> BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.staticKeys("AKID", null, null)).build()))
                .hasMessageContaining("bedrock.secret.access.key");
        assertThatThrownBy(() -> BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.assumeRole(null, null, null)).build()))
                .hasMessageContaining("bedrock.role.arn");
    }

    @Test
    void providerKinds() {
        assertThat(BedrockClientFactory.credentialsProvider(base().build()))
                .isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.profile("dev")).build()))
                .isInstanceOf(ProfileCredentialsProvider.class);
        assertThat(BedrockClientFactory.credentialsProvider(base()
                .credentials(CredentialsSettings.assumeRole("arn:aws:iam::123456789012:role/r", "ext", null))
                .build()))
                .isInstanceOf(AssumeRoleCredentialsProvider.class)
                .hasToString("AssumeRoleCredentialsProvider[roleArn=arn:aws:iam::123456789012:role/r]");
    }

    @Test
    void buildsAClientForBothProtocolsWithAnEndpointOverride() {
        for (BedrockClientSettings.HttpProtocol p : BedrockClientSettings.HttpProtocol.values()) {
            try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(base().httpProtocol(p)
                    .endpointOverride(URI.create("http://127.0.0.1:1"))
                    .credentials(CredentialsSettings.staticKeys("AKID", "secret", null)).build())) {
                assertThat(client.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
                assertThat(client.serviceClientConfiguration().endpointOverride()).contains(
                        URI.create("http://127.0.0.1:1"));
                assertThat(client.serviceClientConfiguration().overrideConfiguration().apiCallTimeout())
                        .contains(BedrockClientSettings.DEFAULT_INVOCATION_TIMEOUT);
                // one attempt per call: the engine's retry policy is the only one
                assertThat(client.serviceClientConfiguration().overrideConfiguration().retryStrategy())
                        .hasValueSatisfying(r -> assertThat(r.maxAttempts()).isEqualTo(1));
            }
        }
    }
}
