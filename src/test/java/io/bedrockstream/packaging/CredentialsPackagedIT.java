package io.bedrockstream.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.testkit.LocalKafkaConnect;
import io.bedrockstream.testkit.ProjectLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The credential paths that need more than the async client, inside the packaged plugin's own class loader: a real
 * Connect worker process loads the built archive through plugin.path, with the environment a pod on EKS gets
 * (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN) and an AWS config file with role_arn profiles, all pointing STS at
 * the emulator (AWS_ENDPOINT_URL_STS). The SDK's own providers for these build a synchronous STS client, so a
 * plugin archive without a synchronous HTTP client fails them ("Unable to load an HTTP implementation"). The
 * emulator verifies every signature, the session tokens its STS issued included.
 */
class CredentialsPackagedIT {

    private static final String BASE_KEY = "AKIAPACKAGEDBASE0001";
    private static final String BASE_SECRET = "packaged/base+secret=";
    private static final String EKS_ROLE = "arn:aws:iam::123456789012:role/eks-bedrock-invoker";
    private static final String PROFILE_ROLE = "arn:aws:iam::123456789012:role/bedrock-invoker";
    private static final String DENIED_ROLE = "arn:aws:iam::123456789012:role/not-trusted";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.packaged.eks-pod-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalKafkaConnect local;

    @BeforeAll
    static void startProcesses() throws Exception {
        ProjectLayout project = ProjectLayout.locate();
        local = LocalKafkaConnect.create(project, "credentials-it-" + System.currentTimeMillis(), System.out);
        local.launchEmulator(List.of(
                "--seed",
                "5",
                "--words",
                "12",
                "--per-chunk",
                "3",
                "--access-key-id",
                BASE_KEY,
                "--secret-access-key",
                BASE_SECRET,
                "--sts-roles",
                EKS_ROLE + "," + PROFILE_ROLE,
                "--sts-web-identity-tokens",
                TOKEN));
        local.startBroker(Duration.ofSeconds(60));
        URI emulator = local.awaitEmulator(Duration.ofSeconds(30));

        Path aws = Files.createDirectories(local.runDir().resolve("aws"));
        Path config = Files.writeString(
                aws.resolve("config"), """
                [profile base]
                region = us-east-1
                [profile bedrock]
                role_arn = %s
                source_profile = base
                region = us-east-1
                [profile denied]
                role_arn = %s
                source_profile = base
                region = us-east-1
                """.formatted(PROFILE_ROLE, DENIED_ROLE), StandardCharsets.UTF_8);
        Path credentials = Files.writeString(
                aws.resolve("credentials"), """
                [base]
                aws_access_key_id = %s
                aws_secret_access_key = %s
                """.formatted(BASE_KEY, BASE_SECRET), StandardCharsets.UTF_8);
        Path token = Files.writeString(aws.resolve("token"), TOKEN, StandardCharsets.UTF_8);

        Map<String, String> environment = new HashMap<>();
        environment.put("AWS_CONFIG_FILE", config.toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", credentials.toString());
        environment.put("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString());
        environment.put("AWS_ROLE_ARN", EKS_ROLE);
        environment.put("AWS_ROLE_SESSION_NAME", "connect-worker");
        environment.put("AWS_ENDPOINT_URL_STS", emulator.toString());
        environment.put("AWS_REGION", "us-east-1");
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        // whatever this machine has must not come first in the default chain
        for (String unset : new String[] {
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI"
        }) {
            environment.put(unset, null);
        }
        local.startWorker(Duration.ofSeconds(90), environment);
    }

    @AfterAll
    static void stopProcesses() {
        if (local != null) {
            local.close();
        }
    }

    private static PackagedPluginChecks checks(String connector) {
        return new PackagedPluginChecks(
                local, connector, local.process("connect-worker").log());
    }

    private static Consumer<Map<String, String>> credentials(String provider, String... more) {
        return config -> {
            config.remove("bedrock.access.key.id");
            config.remove("bedrock.secret.access.key");
            config.put("bedrock.credentials.provider", provider);
            for (int i = 0; i < more.length; i += 2) {
                config.put(more[i], more[i + 1]);
            }
        };
    }

    private static JsonNode emulatorStats() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(local.emulatorEndpoint() + "/_emulator/stats"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static long sts(JsonNode stats, String actionAndOutcome) {
        return stats.path("stsCalls").path(actionAndOutcome).asLong(0);
    }

    @Test
    void anEksPodsWebIdentityThroughTheDefaultChainStreamsARequest() throws Exception {
        JsonNode before = emulatorStats();

        checks("bedrock-web-identity")
                .assertOneRequestStreamsItsChunksThenOneCompleteRecord(
                        "-web-identity", "wi-1", "Say hello from an EKS pod.", credentials("default"));

        JsonNode after = emulatorStats();
        assertThat(sts(after, "AssumeRoleWithWebIdentity ok"))
                .isGreaterThan(sts(before, "AssumeRoleWithWebIdentity ok"));
        assertThat(after.path("callsWithSessionToken").asLong()
                        - before.path("callsWithSessionToken").asLong())
                .isEqualTo(after.path("calls").asLong() - before.path("calls").asLong())
                .isPositive();
        assertThat(local.process("connect-worker").log())
                .content()
                .doesNotContain("Unable to load an HTTP implementation");
    }

    @Test
    void aProfileWithRoleArnAndSourceProfileStreamsARequest() throws Exception {
        JsonNode before = emulatorStats();

        checks("bedrock-profile-role")
                .assertOneRequestStreamsItsChunksThenOneCompleteRecord(
                        "-profile-role",
                        "pr-1",
                        "Say hello through a role_arn profile.",
                        credentials("profile", "bedrock.profile.name", "bedrock"));

        JsonNode after = emulatorStats();
        assertThat(sts(after, "AssumeRole ok")).isGreaterThan(sts(before, "AssumeRole ok"));
        assertThat(after.path("callsWithSessionToken").asLong()
                        - before.path("callsWithSessionToken").asLong())
                .isEqualTo(after.path("calls").asLong() - before.path("calls").asLong())
                .isPositive();
    }

    @Test
    void aProfileWhoseRoleCannotBeAssumedDeadLettersTheRequestAsASetupErrorAtOnce() throws Exception {
        JsonNode before = emulatorStats();

        PackagedPluginChecks.DeadLettered dead = checks("bedrock-profile-denied")
                .assertOneRequestIsDeadLettered(
                        "-denied",
                        "denied-1",
                        "This one cannot be signed.",
                        credentials("profile", "bedrock.profile.name", "denied", "setup.error.action", "dlq"));

        assertThat(dead.terminal().path("error_type").asText()).isEqualTo("CredentialsError");
        assertThat(dead.terminal().path("error_message").asText())
                .startsWith(
                        "profile 'denied' "
                                + "(bedrock.credentials.provider=profile, bedrock.profile.name) gave no credentials: AccessDenied: ");
        Map<String, String> headers = dead.headers();
        String message = headers.get("__connect.errors.exception.message");
        assertThat(message)
                .startsWith("Bedrock request 'denied-1' failed after 1 attempt [CONFIGURATION "
                        + "CredentialsError]: profile 'denied' (bedrock.credentials.provider=profile, "
                        + "bedrock.profile.name) gave no credentials: AccessDenied: User: arn:aws:iam::000000000000:"
                        + "user/emulator-caller is not authorized to perform: sts:AssumeRole on resource: "
                        + DENIED_ROLE
                        + ". Check that the AWS config and credentials files the worker reads")
                .doesNotContain(BASE_SECRET)
                .doesNotContain("ASIA");
        assertThat(headers.get("__connect.errors.exception.class.name"))
                .isEqualTo("io.bedrockstream.connect.BedrockRequestFailedException");
        JsonNode after = emulatorStats();
        assertThat(sts(after, "AssumeRole AccessDenied")).isGreaterThan(sts(before, "AssumeRole AccessDenied"));
        assertThat(after.path("calls").asLong())
                .as("calls that reached Bedrock")
                .isEqualTo(before.path("calls").asLong());
    }
}
