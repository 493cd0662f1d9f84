package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bedrock API keys through the real SDK against the emulator, which accepts only {@link #KEY} as a bearer token
 * and verifies SigV4 signatures of {@link #ACCESS_KEY}: {@code api-key} sends the key as
 * {@code Authorization: Bearer} and signs nothing; a wrong key is Bedrock's 403 AccessDeniedException, a setup
 * error whose message never holds the key; the default provider takes the SDK's own {@code aws.bearerTokenBedrock}
 * (the system property twin of {@code AWS_BEARER_TOKEN_BEDROCK}) as the SDK does, and explicit AWS credentials
 * are not overridden by it.
 */
class ApiKeyAuthIT {

    static final String KEY = "ABSKQmVkcm9ja0FQSUtleS1pdC1rZXk6c2VjcmV0LXBhcnQtMDAwMQ==";
    static final String WRONG_KEY = "ABSKQmVkcm9ja0FQSUtleS1pdC1rZXk6d3JvbmctcGFydC05OTk5==";
    static final String ACCESS_KEY = "AKIAAPIKEYIT0000001";
    static final String SECRET = "api/key+it=secret";

    private static BedrockEmulator emulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials(ACCESS_KEY, SECRET)
                .apiKeys(Set.of(KEY))
                .build());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.reset();
    }

    private static Object stream(CredentialsSettings credentials, ModelRequest request) throws Exception {
        try (StreamingInvoker invoker = new StreamingInvoker(
                BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                        .credentials(credentials)
                        .build()),
                ChunkParsers::forFamily,
                true)) {
            RecordingInvocationListener listener = new RecordingInvocationListener();
            invoker.invoke(request, listener);
            Object terminal = listener.terminal.get(30, TimeUnit.SECONDS);
            assertThat(listener.violations).isEmpty();
            return terminal;
        }
    }

    private static ModelRequest converse(String id) {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi [[emu id=" + id
                + " words=6]]\"}]}],\"inferenceConfig\":{\"maxTokens\":64}}";
        return new ModelRequest(
                id,
                "anthropic.claude-3-haiku-20240307-v1:0",
                null,
                body.getBytes(StandardCharsets.UTF_8),
                null,
                null,
                null,
                null,
                null,
                null,
                "requests",
                0,
                0,
                null,
                BedrockApi.CONVERSE,
                null,
                null,
                null);
    }

    @Test
    void theRightKeyStreamsAsABearerTokenWithNoSignature() throws Exception {
        Object invoke = stream(CredentialsSettings.apiKey(KEY), anthropic("key-invoke", "words=6", 0));
        Object converse = stream(CredentialsSettings.apiKey(KEY), converse("key-converse"));

        assertThat(invoke)
                .isInstanceOfSatisfying(
                        InvocationResult.class, r -> assertThat(r.stopReason()).isEqualTo("end_turn"));
        assertThat(converse)
                .isInstanceOfSatisfying(
                        InvocationResult.class, r -> assertThat(r.stopReason()).isEqualTo("end_turn"));
        // no X-Amz-Date, X-Amz-Security-Token or x-amz-content-sha256: nothing was signed
        assertThat(emulator.authorizations()).containsExactly("Bearer accepted", "Bearer accepted");
        assertThat(emulator.stats().attempts("key-invoke"))
                .extracting(a -> a.outcome())
                .containsExactly("complete");
    }

    @Test
    void aWrongKeyIsBedrocksAccessDeniedASetupErrorThatNeverShowsTheKey() throws Exception {
        Object terminal = stream(CredentialsSettings.apiKey(WRONG_KEY), anthropic("wrong-key", "words=6", 0));

        assertThat(terminal).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.errorType()).isEqualTo("AccessDeniedException");
            assertThat(f.httpStatus()).isEqualTo(403);
            assertThat(f.message())
                    .isEqualTo("Authentication failed: Please make sure your API Key is valid.; "
                            + ErrorClassifier.API_KEY_HINT);
            assertThat(f.message()).doesNotContain(WRONG_KEY).doesNotContain(WRONG_KEY.substring(4, 20));
        });
        assertThat(emulator.authorizations()).containsExactly("Bearer refused");
    }

    @Test
    void aKeyWithoutBedrocksPrefixIsRefusedForItsFormat() throws Exception {
        Object terminal =
                stream(CredentialsSettings.apiKey("sk-not-a-bedrock-key-12345"), anthropic("bad-format", "words=6", 0));

        assertThat(terminal).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.errorType()).isEqualTo("AccessDeniedException");
            assertThat(f.message())
                    .startsWith("Invalid API Key format: Must start with pre-defined prefix; ")
                    .doesNotContain("sk-not-a-bedrock-key-12345");
        });
    }

    @Test
    void apiKeyWithoutAKeyFailsEachCallWithWhatToSet() throws Exception {
        Object terminal = stream(CredentialsSettings.apiKey(null), anthropic("no-key", "words=6", 0));

        assertThat(terminal).isInstanceOfSatisfying(InvocationFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
            assertThat(f.errorType()).isEqualTo(ErrorClassifier.CREDENTIALS_ERROR);
            assertThat(f.message())
                    .startsWith("bedrock.credentials.provider=api-key needs bedrock.api.key, " + "which is not set.");
        });
        assertThat(emulator.stats().calls()).isZero();
    }

    @Test
    void theDefaultProviderUsesTheSdksBearerTokenSettingInsteadOfTheChain() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            // no keys, profiles or IMDS: the chain has nothing, so only the token can make this call work
            env.bearerTokenBedrock(KEY);

            Object terminal = stream(CredentialsSettings.defaults(), anthropic("env-token", "words=6", 0));

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        assertThat(emulator.authorizations()).containsExactly("Bearer accepted");
    }

    @Test
    void theDefaultProviderWithAWrongSdkTokenIsTheSameSetupError() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.bearerTokenBedrock(WRONG_KEY);

            Object terminal = stream(CredentialsSettings.defaults(), anthropic("env-wrong", "words=6", 0));

            assertThat(terminal).isInstanceOfSatisfying(InvocationFailure.class, f -> {
                assertThat(f.kind()).isEqualTo(ErrorKind.CONFIGURATION);
                assertThat(f.errorType()).isEqualTo("AccessDeniedException");
                assertThat(f.message()).doesNotContain(WRONG_KEY);
            });
        }
    }

    @Test
    void explicitAwsCredentialsStillSignWhenTheSdkBearerTokenIsSet() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.bearerTokenBedrock(WRONG_KEY);

            Object terminal = stream(
                    CredentialsSettings.staticKeys(ACCESS_KEY, SECRET, null),
                    anthropic("static-over-env", "words=6", 0));

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        assertThat(emulator.authorizations())
                .containsExactly("AWS4-HMAC-SHA256 accepted X-Amz-Date x-amz-content-sha256");
    }

    @Test
    void theDefaultChainStillSignsWhenNoBearerTokenIsSet() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.keys(ACCESS_KEY, SECRET).bearerTokenBedrock(null);

            Object terminal = stream(CredentialsSettings.defaults(), anthropic("chain", "words=6", 0));

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        assertThat(emulator.authorizations())
                .containsExactly("AWS4-HMAC-SHA256 accepted X-Amz-Date x-amz-content-sha256");
    }

    @Test
    void settingsNeverPrintTheKey() {
        assertThat(CredentialsSettings.apiKey(KEY).toString())
                .doesNotContain(KEY)
                .contains("apiKey=****");
        assertThat(new ApiKeyTokenProvider(KEY).toString()).doesNotContain(KEY);
        assertThat(new ApiKeyTokenProvider(KEY).resolveIdentity().join().toString())
                .doesNotContain(KEY);
    }
}
