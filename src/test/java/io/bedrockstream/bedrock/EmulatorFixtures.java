package io.bedrockstream.bedrock;

import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.model.PromptBodies;
import io.bedrockstream.model.PromptSpec;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/** Clients and requests for tests against the project's Bedrock emulator, through the real SDK. */
public final class EmulatorFixtures {

    /** A model id per family, as the emulator and {@code ModelIds} recognise them. */
    public static final Map<ModelFamily, String> MODEL_IDS = Map.of(
            ModelFamily.ANTHROPIC, "anthropic.claude-3-haiku-20240307-v1:0",
            ModelFamily.TITAN, "amazon.titan-text-express-v1",
            ModelFamily.NOVA, "us.amazon.nova-lite-v1:0",
            ModelFamily.LLAMA, "meta.llama3-8b-instruct-v1:0",
            ModelFamily.MISTRAL, "mistral.mistral-7b-instruct-v0:2",
            ModelFamily.MISTRAL_CHAT, "mistral.mistral-large-2407-v1:0",
            ModelFamily.COHERE, "cohere.command-r-v1:0",
            ModelFamily.JAMBA, "ai21.jamba-1-5-mini-v1:0",
            ModelFamily.DEEPSEEK, "us.deepseek.r1-v1:0",
            ModelFamily.OPENAI, "openai.gpt-oss-20b-1:0");

    private EmulatorFixtures() {}

    public static BedrockClientSettings.Builder settings(BedrockEmulator emulator) {
        return BedrockClientSettings.builder("us-east-1")
                .endpointOverride(emulator.endpoint())
                .credentials(CredentialsSettings.staticKeys("AKIDTEST", "secret", null))
                .streamIdleTimeout(Duration.ofSeconds(10))
                .invocationTimeout(Duration.ofSeconds(30))
                .maxConnections(64);
    }

    public static BedrockRuntimeAsyncClient client(
            BedrockEmulator emulator, BedrockClientSettings.HttpProtocol protocol) {
        return BedrockClientFactory.create(
                settings(emulator).httpProtocol(protocol).build());
    }

    public static ModelRequest request(String id, ModelFamily family, String directives, long offset) {
        byte[] body = PromptBodies.build(
                family,
                new PromptSpec(
                        "Tell me a story. [[emu id=" + id + " " + directives + "]]", null, 256, null, null, null));
        return new ModelRequest(
                id,
                MODEL_IDS.get(family),
                family,
                body,
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                0,
                offset);
    }

    public static ModelRequest anthropic(String id, String directives, long offset) {
        return request(id, ModelFamily.ANTHROPIC, directives, offset);
    }
}
