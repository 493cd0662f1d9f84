package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.EmulatorFixtures.anthropic;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.emulator.EmulatorStats;
import io.bedrockstream.model.ChunkParsers;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@code bedrock.credentials.provider} end to end with the real SDK against the emulator, which verifies
 * every signature and, for temporary credentials, the session token its STS issued: {@code static}, {@code profile}
 * with {@code role_arn} + {@code source_profile}, {@code assume-role}, and the default chain with a web identity
 * token file (EKS IRSA). The SDK's own STS clients (profile, web identity) are synchronous: these paths need a
 * synchronous HTTP client on the classpath.
 */
class CredentialPathsIT {

    static final String BASE_KEY = "AKIAPATHSBASE0000001";
    static final String BASE_SECRET = "paths/base+secret=";
    static final String ROLE = "arn:aws:iam::123456789012:role/bedrock-invoker";
    static final String DENIED_ROLE = "arn:aws:iam::123456789012:role/not-trusted";
    static final String WEB_IDENTITY_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eks.pod-token";

    private static BedrockEmulator emulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials(BASE_KEY, BASE_SECRET)
                .stsRoles(Set.of(ROLE))
                .webIdentityTokens(Set.of(WEB_IDENTITY_TOKEN))
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

    /** Streams one request with a client built from {@code credentials}; returns its terminal event. */
    static Object streamOnce(BedrockEmulator emulator, CredentialsSettings credentials, String id) throws Exception {
        try (StreamingInvoker invoker = new StreamingInvoker(
                BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                        .credentials(credentials)
                        .build()),
                ChunkParsers::forFamily,
                true)) {
            RecordingInvocationListener listener = new RecordingInvocationListener();
            invoker.invoke(anthropic(id, "words=6", 0), listener);
            Object terminal = listener.terminal.get(30, TimeUnit.SECONDS);
            assertThat(listener.violations).isEmpty();
            return terminal;
        }
    }

    static String roleProfiles(String role) {
        return """
                [profile base]
                region = us-east-1
                [profile bedrock]
                role_arn = %s
                source_profile = base
                role_session_name = profile-session
                region = us-east-1
                """.formatted(role);
    }

    static String baseCredentials() {
        return """
                [base]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(BASE_KEY, BASE_SECRET);
    }

    @Test
    void staticKeysSignEveryCall() throws Exception {
        Object terminal = streamOnce(emulator, CredentialsSettings.staticKeys(BASE_KEY, BASE_SECRET, null), "static");

        assertThat(terminal).isInstanceOf(InvocationResult.class);
        EmulatorStats stats = emulator.stats();
        assertThat(stats.calls()).isEqualTo(1);
        assertThat(stats.callsWithSessionToken()).isZero();
        assertThat(stats.stsCalls()).isEmpty();
    }

    @Test
    void profileWithRoleArnAndSourceProfileAssumesTheRoleWithTheSourceKeys() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.config(roleProfiles(ROLE)).credentialsFile(baseCredentials());

            Object terminal = streamOnce(emulator, CredentialsSettings.profile("bedrock"), "profile");

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        EmulatorStats stats = emulator.stats();
        assertThat(stats.stsCalls()).containsExactly(Map.entry("AssumeRole ok", 1L));
        assertThat(stats.calls()).isEqualTo(1);
        assertThat(stats.callsWithSessionToken()).isEqualTo(1);
    }

    @Test
    void assumeRoleSignsStsWithTheDefaultChainAndBedrockWithTheRole() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.keys(BASE_KEY, BASE_SECRET);

            Object terminal = streamOnce(
                    emulator,
                    CredentialsSettings.assumeRole(ROLE, null, "assume-role-it", emulator.endpoint()),
                    "assume-role");

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        EmulatorStats stats = emulator.stats();
        assertThat(stats.stsCalls()).containsExactly(Map.entry("AssumeRole ok", 1L));
        assertThat(stats.callsWithSessionToken()).isEqualTo(1);
    }

    @Test
    void defaultChainWithAWebIdentityTokenFileAssumesTheRoleLikeAnEksPod() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.webIdentity(env.write("token", WEB_IDENTITY_TOKEN), ROLE);

            Object terminal = streamOnce(emulator, CredentialsSettings.defaults(), "web-identity");

            assertThat(terminal).isInstanceOf(InvocationResult.class);
        }
        EmulatorStats stats = emulator.stats();
        assertThat(stats.stsCalls()).containsExactly(Map.entry("AssumeRoleWithWebIdentity ok", 1L));
        assertThat(stats.callsWithSessionToken()).isEqualTo(1);
    }
}
