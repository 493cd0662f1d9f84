package io.bedrockstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.emulator.Attempt;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Every family's parser against the project's emulator, through the real SDK client (retries off): the
 * request body comes from {@link PromptBodies}, every chunk the SDK delivers goes through {@link ChunkParsers}.
 * The emulator was written from BEDROCK.md independently of the parsers, so the two check each other.
 */
class ChunkParsersAgainstEmulatorIT {

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient client;

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
        client = BedrockRuntimeAsyncClient.builder()
                .endpointOverride(emulator.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().readTimeout(Duration.ofSeconds(10)))
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @ParameterizedTest(name = "{0} {1}, max tokens {2}")
    @CsvSource({
        "ANTHROPIC,    anthropic.claude-3-haiku-20240307-v1:0, ,  end_turn",
        "ANTHROPIC,    us.anthropic.claude-3-5-sonnet-20241022-v2:0, 4, max_tokens",
        "TITAN,        amazon.titan-text-express-v1, , FINISH",
        "TITAN,        amazon.titan-text-premier-v1:0, 4, LENGTH",
        "NOVA,         us.amazon.nova-lite-v1:0, , end_turn",
        "NOVA,         amazon.nova-pro-v1:0, 4, max_tokens",
        "LLAMA,        meta.llama3-1-8b-instruct-v1:0, , stop",
        "LLAMA,        arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-2-3b-instruct-v1:0, 4, length",
        "MISTRAL,      mistral.mistral-7b-instruct-v0:2, , stop",
        "MISTRAL,      mistral.mixtral-8x7b-instruct-v0:1, 4, length",
        "MISTRAL_CHAT, mistral.mistral-large-2407-v1:0, , stop",
        "MISTRAL_CHAT, mistral.mistral-large-2407-v1:0, 4, length",
        "COHERE,       cohere.command-r-v1:0, , COMPLETE",
        "COHERE,       cohere.command-r-plus-v1:0, 4, MAX_TOKENS",
        "JAMBA,        ai21.jamba-1-5-mini-v1:0, , stop",
        "JAMBA,        ai21.jamba-1-5-large-v1:0, 4, length",
        "DEEPSEEK,     us.deepseek.r1-v1:0, , stop",
        "DEEPSEEK,     us.deepseek.r1-v1:0, 4, length",
        "OPENAI,       openai.gpt-oss-20b-1:0, , stop",
        "OPENAI,       openai.gpt-oss-120b-1:0, 4, length",
    })
    void parsedDeltasAreTheEmulatorsText(ModelFamily family, String modelId, Integer maxTokens, String stopReason)
            throws Exception {
        assertThat(ModelIds.detect(modelId)).contains(family);
        String marker = family + "-" + maxTokens + "-" + Math.abs(modelId.hashCode());
        String prompt = "[[emu id=" + marker + " words=9 per_chunk=2]] Tell me about \"streams\" {please}\n";
        byte[] body = PromptBodies.build(family, new PromptSpec(prompt, "be brief", maxTokens, 0.5, 0.9, List.of()));

        List<byte[]> chunks = stream(modelId, body);
        ChunkParser parser = ChunkParsers.forFamily(family);
        List<ParsedChunk> parsed = new ArrayList<>();
        for (byte[] chunk : chunks) {
            parsed.add(parser.parse(chunk));
        }

        List<Attempt> attempts = emulator.stats().attempts(marker);
        assertThat(attempts).hasSize(1);
        assertThat(attempts.get(0).outcome()).isEqualTo("complete");
        assertThat(attempts.get(0).chunks()).isEqualTo(chunks.size());

        StringBuilder text = new StringBuilder();
        parsed.stream().filter(p -> p.text() != null).forEach(p -> text.append(p.text()));
        assertThat(text.toString()).isEqualTo(attempts.get(0).text());
        int words = maxTokens == null ? 9 : maxTokens;
        assertThat(text.toString().split(" ", -1))
                .as("words, each possibly holding spaces itself")
                .hasSizeGreaterThanOrEqualTo(words);

        // the end: the last chunk is terminal and carries the metrics; no text follows the first terminal chunk
        // (Titan, Llama, Mistral, Jamba, DeepSeek and gpt-oss put the last delta on the terminal chunk itself)
        ParsedChunk last = parsed.get(parsed.size() - 1);
        assertThat(last.terminal()).isTrue();
        assertThat(last.metrics()).isNotNull();
        assertThat(last.metrics().outputTokenCount()).isEqualTo(words);
        assertThat(last.metrics().inputTokenCount()).isPositive();
        assertThat(last.metrics().invocationLatencyMs()).isNotNull().isNotNegative();
        assertThat(last.metrics().firstByteLatencyMs()).isNotNull().isNotNegative();
        assertThat(parsed.stream().filter(p -> p.metrics() != null)).hasSize(1);
        int firstTerminal = indexOfFirstTerminal(parsed);
        assertThat(parsed.subList(firstTerminal, parsed.size())).allMatch(ParsedChunk::terminal);
        assertThat(parsed.subList(firstTerminal + 1, parsed.size())).noneMatch(p -> p.text() != null);
        // Nova ends with messageStop and then metadata, and both are end markers; every other family has one
        assertThat(parsed.size() - firstTerminal).isEqualTo(family == ModelFamily.NOVA ? 2 : 1);

        assertThat(parsed.stream().map(ParsedChunk::stopReason).filter(r -> r != null))
                .containsExactly(stopReason);
        assertThat(lastNonNull(parsed, true)).isEqualTo(last.metrics().inputTokenCount());
        assertThat(lastNonNull(parsed, false)).isEqualTo((long) words);

        ChunkTally tally = new ChunkTally();
        parsed.forEach(tally::add);
        assertThat(tally.text()).isEqualTo(attempts.get(0).text());
        assertThat(tally.terminalSeen()).isTrue();
        assertThat(tally.stopReason()).isEqualTo(stopReason);
        assertThat(tally.outputTokens()).isEqualTo((long) words);
        assertThat(tally.inputTokens()).isEqualTo(last.metrics().inputTokenCount());
    }

    private static int indexOfFirstTerminal(List<ParsedChunk> parsed) {
        for (int i = 0; i < parsed.size(); i++) {
            if (parsed.get(i).terminal()) {
                return i;
            }
        }
        return -1;
    }

    /** The final token figure a consumer would report: the last one any chunk gave. */
    private static Long lastNonNull(List<ParsedChunk> parsed, boolean input) {
        Long value = null;
        for (ParsedChunk p : parsed) {
            Long v = input ? p.inputTokens() : p.outputTokens();
            if (v != null) {
                value = v;
            }
        }
        return value;
    }

    private static List<byte[]> stream(String modelId, byte[] body) throws Exception {
        List<byte[]> chunks = new CopyOnWriteArrayList<>();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(part -> chunks.add(part.bytes().asByteArray()))
                        .build())
                .build();
        client.invokeModelWithResponseStream(
                        InvokeModelWithResponseStreamRequest.builder()
                                .modelId(modelId)
                                .contentType("application/json")
                                .accept("application/json")
                                .body(SdkBytes.fromByteArray(body))
                                .build(),
                        handler)
                .get(20, TimeUnit.SECONDS);
        return chunks;
    }
}
