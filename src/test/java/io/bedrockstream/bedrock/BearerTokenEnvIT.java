package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real environment variable, not its system-property twin: a child JVM whose only credential is
 * {@code AWS_BEARER_TOKEN_BEDROCK} streams a request with {@code bedrock.credentials.provider=default}, and with
 * {@code static} keys in the same environment it still signs with SigV4.
 */
class BearerTokenEnvIT {

    static final String KEY = "bedrock-api-key-ZW52LXZhcmlhYmxlLWtleS0wMDAx";
    static final String ACCESS_KEY = "AKIABEARERENV000001";
    static final String SECRET = "bearer/env+secret=";

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

    /** Runs {@link #main} in a child JVM with AWS_BEARER_TOKEN_BEDROCK set and no other AWS credentials. */
    private String child(String provider, String id) throws IOException, InterruptedException {
        Path empty = Files.writeString(dir.resolve("empty"), "");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BearerTokenEnvIT.class.getName(),
                emulator.endpoint().toString(),
                provider,
                id));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(id + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_BEARER_TOKEN_BEDROCK", KEY);
        env.put("AWS_CONFIG_FILE", empty.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", empty.toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(dir.resolve(id + ".log"), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void theDefaultProviderSendsTheEnvironmentsApiKeyAsABearerToken() throws Exception {
        String output = child("default", "env-default");

        assertThat(output)
                .contains("terminal InvocationResult[stopReason=end_turn")
                .doesNotContain(KEY);
        assertThat(emulator.authorizations("env-default")).containsExactly("Bearer accepted");
    }

    @Test
    void staticKeysStillSignWithTheApiKeyInTheEnvironment() throws Exception {
        String output = child("static", "env-static");

        assertThat(output).contains("terminal InvocationResult[stopReason=end_turn");
        assertThat(emulator.authorizations("env-static"))
                .containsExactly("AWS4-HMAC-SHA256 accepted X-Amz-Date x-amz-content-sha256");
    }

    /** The child: streams one Anthropic request; exits 0 when it completed. */
    public static void main(String[] args) throws Exception {
        CredentialsSettings credentials = args[1].equals("static")
                ? CredentialsSettings.staticKeys(ACCESS_KEY, SECRET, null)
                : CredentialsSettings.defaults();
        BedrockClientSettings settings = BedrockClientSettings.builder("us-east-1")
                .endpointOverride(URI.create(args[0]))
                .credentials(credentials)
                .build();
        try (StreamingInvoker invoker =
                new StreamingInvoker(BedrockClientFactory.create(settings), ChunkParsers::forFamily, true)) {
            RecordingInvocationListener listener = new RecordingInvocationListener();
            invoker.invoke(EmulatorFixtures.anthropic(args[2], "words=6", 0), listener);
            Object terminal = listener.terminal.get(30, TimeUnit.SECONDS);
            System.out.println("terminal " + terminal);
            System.exit(terminal instanceof InvocationResult ? 0 : 3);
        }
    }
}
