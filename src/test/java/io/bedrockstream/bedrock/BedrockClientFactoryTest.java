package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

class BedrockClientFactoryTest {

    private static BedrockClientSettings.Builder base() {
        return BedrockClientSettings.builder("eu-west-1");
    }

    @Test
    void regionIsRequired() {
        assertThatThrownBy(() -> BedrockClientSettings.builder(" ").build()).hasMessageContaining("bedrock.region");
    }

    @Test
    void defaultsApplyToMissingValues() {
        BedrockClientSettings s =
                new BedrockClientSettings("us-east-1", null, null, null, null, Duration.ZERO, null, 0);
        assertThat(s.httpProtocol()).isEqualTo(BedrockClientSettings.HttpProtocol.HTTP2);
        assertThat(s.credentials().provider()).isEqualTo(CredentialsSettings.Provider.DEFAULT);
        assertThat(s.streamIdleTimeout()).isEqualTo(BedrockClientSettings.DEFAULT_STREAM_IDLE_TIMEOUT);
        assertThat(s.maxConnections()).isEqualTo(BedrockClientSettings.DEFAULT_MAX_CONNECTIONS);
    }

    @Test
    void staticKeysWithASessionTokenGiveSessionCredentials() {
        AwsCredentials c = BedrockClientFactory.credentialsProvider(
                        base().credentials(CredentialsSettings.staticKeys("AKID", "secret", "token"))
                                .build())
                .resolveCredentials();
        assertThat(c)
                .isInstanceOfSatisfying(
                        AwsSessionCredentials.class,
                        s -> assertThat(s.sessionToken()).isEqualTo("token"));
        AwsCredentials basic = BedrockClientFactory.credentialsProvider(
                        base().credentials(CredentialsSettings.staticKeys("AKID", "secret", null))
                                .build())
                .resolveCredentials();
        assertThat(basic).isNotInstanceOf(AwsSessionCredentials.class);
        assertThat(basic.accessKeyId()).isEqualTo("AKID");
    }

    @Test
    void settingsThatCannotGiveCredentialsFailEachCallWithASetupErrorNotTheBuild() {
        AwsCredentialsProvider noSecret = BedrockClientFactory.credentialsProvider(
                base().credentials(CredentialsSettings.staticKeys("AKID", null, null))
                        .build());
        assertThatThrownBy(noSecret::resolveCredentials)
                .isInstanceOfSatisfying(
                        CredentialsUnavailableException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIGURATION))
                .hasMessageContaining("bedrock.secret.access.key is not set");
        assertThat(noSecret.resolveIdentity()).isCompletedExceptionally();
        assertThatThrownBy(() -> BedrockClientFactory.credentialsProvider(
                                base().credentials(CredentialsSettings.staticKeys(null, " ", null))
                                        .build())
                        .resolveCredentials())
                .hasMessageContaining("bedrock.access.key.id and bedrock.secret.access.key are not set");
        assertThatThrownBy(() -> BedrockClientFactory.credentialsProvider(
                                base().credentials(CredentialsSettings.assumeRole(null, null, null))
                                        .build())
                        .resolveCredentials())
                .isInstanceOf(CredentialsUnavailableException.class)
                .hasMessage("bedrock.credentials.provider=assume-role needs bedrock.role.arn, which is not set. Set "
                        + "it to the IAM role to assume, e.g. arn:aws:iam::123456789012:role/bedrock-invoker.");
    }

    @Test
    void providerKinds() {
        assertThat(BedrockClientFactory.credentialsProvider(
                        base().credentials(CredentialsSettings.staticKeys("AKID", "secret", null))
                                .build()))
                .isInstanceOf(StaticCredentialsProvider.class);
        // anything looked up or refreshed is fetched on the provider's own thread
        try (RefreshingCredentialsProvider chain =
                        (RefreshingCredentialsProvider) BedrockClientFactory.credentialsProvider(base().build());
                RefreshingCredentialsProvider profile = (RefreshingCredentialsProvider)
                        BedrockClientFactory.credentialsProvider(base().credentials(CredentialsSettings.profile("dev"))
                                .build());
                AssumeRoleCredentialsProvider role =
                        (AssumeRoleCredentialsProvider) BedrockClientFactory.credentialsProvider(base().credentials(
                                        CredentialsSettings.assumeRole("arn:aws:iam::123456789012:role/r", "ext", null))
                                .build())) {
            assertThat(chain).hasToString("RefreshingCredentialsProvider[" + BedrockClientFactory.DEFAULT_CHAIN + "]");
            assertThat(profile)
                    .hasToString("RefreshingCredentialsProvider[profile 'dev' "
                            + "(bedrock.credentials.provider=profile, bedrock.profile.name)]");
            assertThat(role).hasToString("AssumeRoleCredentialsProvider[roleArn=arn:aws:iam::123456789012:role/r]");
        }
    }

    @Test
    void buildsAClientForBothProtocolsWithAnEndpointOverride() {
        for (BedrockClientSettings.HttpProtocol p : BedrockClientSettings.HttpProtocol.values()) {
            try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(base().httpProtocol(p)
                    .endpointOverride(URI.create("http://127.0.0.1:1"))
                    .credentials(CredentialsSettings.staticKeys("AKID", "secret", null))
                    .build())) {
                assertThat(client.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
                assertThat(client.serviceClientConfiguration().endpointOverride())
                        .contains(URI.create("http://127.0.0.1:1"));
                assertThat(client.serviceClientConfiguration()
                                .overrideConfiguration()
                                .apiCallTimeout())
                        .contains(BedrockClientSettings.DEFAULT_INVOCATION_TIMEOUT);
                // one attempt per call: the engine's retry policy is the only one
                assertThat(client.serviceClientConfiguration()
                                .overrideConfiguration()
                                .retryStrategy())
                        .hasValueSatisfying(r -> assertThat(r.maxAttempts()).isEqualTo(1));
            }
        }
    }
}
