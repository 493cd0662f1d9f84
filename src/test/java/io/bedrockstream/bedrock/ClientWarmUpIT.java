package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.BedrockApi;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * A task's warm-up: a dry run of the SDK's call path (credentials, endpoint, marshalling, signing) that stops
 * before anything is sent, so a fresh worker's first real request does not pay for it — and Bedrock never sees it.
 */
class ClientWarmUpIT {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    private static final String API_KEY = "ABSKQmVkcm9ja0FQSUtleS13YXJtLXVwOnNlY3JldC0wMDAx";
    private static BedrockEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .credentials("AKIDTEST", "secret")
                .apiKeys(java.util.Set.of(API_KEY))
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

    /** Counts how often the SDK asked for credentials. */
    private static final class CountingCredentials implements AwsCredentialsProvider {
        final AtomicInteger resolved = new AtomicInteger();
        final boolean fail;

        CountingCredentials(boolean fail) {
            this.fail = fail;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            resolved.incrementAndGet();
            if (fail) {
                throw new IllegalStateException("no credentials here");
            }
            return AwsBasicCredentials.create("AKIDTEST", "secret");
        }
    }

    /** The warm-up returns {@code expected}, and no call reaches the emulator (given 200 ms to arrive). */
    private static void warmUpSendingNothing(StreamingInvoker invoker, BedrockApi api, String model, boolean expected)
            throws InterruptedException {
        assertThat(invoker.warmUp(api, model, Duration.ofSeconds(30))).isEqualTo(expected);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(emulator.authorizations())
                .as("calls that reached the emulator")
                .isEmpty();
    }

    /** A real call after the warm-up; it completes. */
    private static RecordingInvocationListener completedCall(StreamingInvoker invoker, String id) throws Exception {
        RecordingInvocationListener l = new RecordingInvocationListener();
        invoker.invoke(EmulatorFixtures.anthropic(id, "words=4 per_chunk=2", 0), l);
        assertThat(l.terminal.get(20, TimeUnit.SECONDS)).isInstanceOf(InvocationResult.class);
        return l;
    }

    @ParameterizedTest
    @EnumSource(BedrockApi.class)
    void aWarmUpSignsACallButSendsNothingAndTheFirstRealCallIsTheFirstTheServiceSees(BedrockApi api) throws Exception {
        CountingCredentials credentials = new CountingCredentials(false);
        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(
                        EmulatorFixtures.settings(emulator).build(), credentials);
                StreamingInvoker invoker = new StreamingInvoker(client, ChunkParsers::forFamily, false)) {
            String model = EmulatorFixtures.MODEL_IDS.get(ModelFamily.ANTHROPIC);

            warmUpSendingNothing(invoker, api, model, true);
            assertThat(credentials.resolved.get()).as("credentials resolved").isPositive();

            RecordingInvocationListener l = completedCall(invoker, "after-warm-up");
            assertThat(l.chunks).isNotEmpty();
            assertThat(l.violations).isEmpty();
            assertThat(emulator.authorizations()).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(BedrockApi.class)
    void aWarmUpWhoseCredentialsFailSaysSoAndNeverThrows(BedrockApi api) throws Exception {
        CountingCredentials credentials = new CountingCredentials(true);
        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(
                        EmulatorFixtures.settings(emulator).build(), credentials);
                StreamingInvoker invoker = new StreamingInvoker(client, ChunkParsers::forFamily, false)) {
            assertThat(invoker.warmUp(api, null, Duration.ofSeconds(30))).isFalse();
            assertThat(credentials.resolved.get()).isPositive();
            assertThat(emulator.authorizations()).isEmpty();
        }
    }

    /** Bearer (API key) auth and HTTP/1.1 take other signers and another transport: still nothing is sent. */
    @ParameterizedTest
    @EnumSource(BedrockApi.class)
    void aWarmUpWithAnApiKeyOverHttp11SendsNothingEither(BedrockApi api) throws Exception {
        try (StreamingInvoker invoker = new StreamingInvoker(
                BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                        .credentials(CredentialsSettings.apiKey(API_KEY))
                        .httpProtocol(BedrockClientSettings.HttpProtocol.HTTP1_1)
                        .build()),
                ChunkParsers::forFamily,
                true)) {
            String model = EmulatorFixtures.MODEL_IDS.get(ModelFamily.ANTHROPIC);
            warmUpSendingNothing(invoker, api, model, true);

            completedCall(invoker, "after-key-warm-up");
            assertThat(emulator.authorizations()).hasSize(1);
        }
    }

    /**
     * A client built elsewhere has no {@link DryRun} interceptor: its "dry run" would be a real call (for Converse,
     * a billed prompt). The warm-up must refuse it rather than send it.
     */
    @ParameterizedTest
    @EnumSource(BedrockApi.class)
    void aWarmUpOnAClientWithoutTheDryRunInterceptorSendsNothing(BedrockApi api) throws Exception {
        try (BedrockRuntimeAsyncClient client = BedrockRuntimeAsyncClient.builder()
                        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                        .endpointOverride(emulator.endpoint())
                        .credentialsProvider(() -> AwsBasicCredentials.create("AKIDTEST", "secret"))
                        .build();
                StreamingInvoker invoker = new StreamingInvoker(client, ChunkParsers::forFamily, false)) {
            String model = EmulatorFixtures.MODEL_IDS.get(ModelFamily.ANTHROPIC);
            warmUpSendingNothing(invoker, api, model, false);
        }
    }

    /** The default provider with the SDK's own Bedrock API key: the SDK configures bearer auth itself. */
    @ParameterizedTest
    @EnumSource(BedrockApi.class)
    void aWarmUpWithTheSdksOwnBearerTokenSendsNothing(BedrockApi api) throws Exception {
        try (AwsEnvironment env = new AwsEnvironment(dir, emulator.endpoint())) {
            env.bearerTokenBedrock(API_KEY);
            try (StreamingInvoker invoker = new StreamingInvoker(
                    BedrockClientFactory.create(EmulatorFixtures.settings(emulator)
                            .credentials(CredentialsSettings.defaults())
                            .build()),
                    ChunkParsers::forFamily,
                    true)) {
                String model = EmulatorFixtures.MODEL_IDS.get(ModelFamily.ANTHROPIC);
                warmUpSendingNothing(invoker, api, model, true);

                completedCall(invoker, "after-env-warm-up");
                assertThat(emulator.authorizations()).containsExactly("Bearer accepted");
            }
        }
    }
}
