package io.bedrockstream.bedrock;

import static io.bedrockstream.bedrock.CredentialPathsIT.BASE_KEY;
import static io.bedrockstream.bedrock.CredentialPathsIT.BASE_SECRET;
import static io.bedrockstream.bedrock.CredentialPathsIT.DENIED_ROLE;
import static io.bedrockstream.bedrock.CredentialPathsIT.ROLE;
import static io.bedrockstream.bedrock.CredentialPathsIT.baseCredentials;
import static io.bedrockstream.bedrock.CredentialPathsIT.roleProfiles;
import static io.bedrockstream.bedrock.CredentialPathsIT.streamOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials that cannot work are the setup's fault: each call fails at once as a CONFIGURATION error (so
 * {@code setup.error.action} decides, and nothing is retried as transient), of type {@code CredentialsError},
 * with a message naming the provider and the setting to fix, and no secret in it. No call reaches Bedrock.
 */
class CredentialFailuresIT {

    private static BedrockEmulator emulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials(BASE_KEY, BASE_SECRET)
                .stsRoles(Set.of(ROLE))
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

    private static InvocationFailure setupError(Object terminal) {
        assertThat(terminal).isInstanceOf(InvocationFailure.class);
        InvocationFailure failure = (InvocationFailure) terminal;
        assertThat(failure.kind()).as(failure.message()).isEqualTo(ErrorKind.CONFIGURATION);
        assertThat(failure.errorType()).isEqualTo(ErrorClassifier.CREDENTIALS_ERROR);
        assertThat(failure.httpStatus()).isNull();
        assertThat(failure.chunksReceived()).isZero();
        assertThat(failure.message()).doesNotContain(BASE_SECRET).doesNotContain("ASIA");
        assertThat(emulator.stats().calls()).as("calls that reached Bedrock").isZero();
        return failure;
    }

    @Test
    void staticWithoutTheSecretKeySaysWhichSettingIsMissing() throws Exception {
        InvocationFailure failure = setupError(
                streamOnce(emulator, CredentialsSettings.staticKeys(BASE_KEY, null, null), "static-missing"));

        assertThat(failure.message())
                .isEqualTo("bedrock.credentials.provider=static needs bedrock.access.key.id "
                        + "and bedrock.secret.access.key; bedrock.secret.access.key is not set. Set it (a ${file:...} or "
                        + "${env:...} config provider keeps secrets out of the connector config), or choose another "
                        + "bedrock.credentials.provider.");
    }

    @Test
    void aProfileThatDoesNotExistNamesTheProfileAndTheFiles() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.config(roleProfiles(ROLE)).credentialsFile(baseCredentials());

            InvocationFailure failure =
                    setupError(streamOnce(emulator, CredentialsSettings.profile("nope"), "profile-missing"));

            assertThat(failure.message())
                    .startsWith("profile 'nope' (bedrock.credentials.provider=profile, bedrock.profile.name) gave no "
                            + "credentials: Profile file contained no credentials for profile 'nope'")
                    .endsWith(BedrockClientFactory.PROFILE_FIX);
        }
    }

    @Test
    void aProfileRoleThatCannotBeAssumedReportsStsAccessDenied() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.config(roleProfiles(DENIED_ROLE)).credentialsFile(baseCredentials());

            InvocationFailure failure =
                    setupError(streamOnce(emulator, CredentialsSettings.profile("bedrock"), "profile-denied"));

            assertThat(failure.message())
                    .startsWith("profile 'bedrock' (bedrock.credentials.provider=profile, bedrock.profile.name) gave "
                            + "no credentials: ")
                    .contains("is not authorized to perform: sts:AssumeRole on resource: " + DENIED_ROLE)
                    .endsWith(BedrockClientFactory.PROFILE_FIX);
        }
        assertThat(emulator.stats().stsCalls("AssumeRole", "AccessDenied")).isEqualTo(1);
    }

    @Test
    void assumeRoleOfARoleThatCannotBeAssumedReportsStsAccessDenied() throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.keys(BASE_KEY, BASE_SECRET);

            InvocationFailure failure = setupError(streamOnce(
                    emulator,
                    CredentialsSettings.assumeRole(DENIED_ROLE, "external-secret-id", null, emulator.endpoint()),
                    "assume-denied"));

            assertThat(failure.message())
                    .isEqualTo(
                            "assume-role of bedrock.role.arn=" + DENIED_ROLE
                                    + " (bedrock.credentials.provider=assume-role) gave no credentials: AccessDenied: User: "
                                    + "arn:aws:iam::000000000000:user/emulator-caller is not authorized to perform: sts:AssumeRole on "
                                    + "resource: " + DENIED_ROLE
                                    + ". Check that the worker's own identity (the AWS SDK default "
                                    + "chain: environment, web identity, profile, container or instance role) may call "
                                    + "sts:AssumeRole on the role, that the role's trust policy trusts that identity with "
                                    + "bedrock.role.external.id, and that bedrock.region and bedrock.sts.endpoint.override are right.");
            assertThat(failure.message()).doesNotContain("external-secret-id");
        }
    }

    @Test
    void aMissingWebIdentityTokenFileIsNamedWithTheDefaultChainsFix() throws Exception {
        Path missing =
                dir.resolve("eks.amazonaws.com").resolve("serviceaccount").resolve("token");
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.webIdentity(missing, ROLE);

            InvocationFailure failure =
                    setupError(streamOnce(emulator, CredentialsSettings.defaults(), "web-identity-missing"));

            assertThat(failure.message())
                    .startsWith("the AWS SDK default credential chain (bedrock.credentials.provider=default) gave no "
                            + "credentials: ")
                    .contains(missing.toString())
                    .endsWith(BedrockClientFactory.DEFAULT_CHAIN_FIX);
        }
        assertThat(emulator.stats().stsCalls()).isEmpty();
    }
}
