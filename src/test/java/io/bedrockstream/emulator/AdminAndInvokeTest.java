package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;

/** The admin HTTP API, the non-streaming route, and the HTTP/1.1 client path. */
class AdminAndInvokeTest {

    private static BedrockEmulator emulator;
    private static BedrockRuntimeAsyncClient h1;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
        h1 = SdkHarness.client(emulator.endpoint(), Protocol.HTTP1_1, "AKIDEXAMPLE", "secret", 10);
    }

    @AfterAll
    static void stop() {
        h1.close();
        emulator.close();
    }

    private static HttpResponse<String> http(String method, String path, String body) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(emulator.endpoint() + path)).timeout(Duration.ofSeconds(10));
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminApiShowsStatsResetsAndChangesSettings() throws Exception {
        assertThat(http("POST", "/_emulator/reset", null).statusCode()).isEqualTo(200);
        SdkHarness.StreamResult streamed =
                SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=admin throttle=1]] hi"));
        assertThat(streamed.error()).isInstanceOf(ThrottlingException.class);
        assertThat(SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("[[emu id=admin throttle=1]] hi"))
                        .error())
                .isNull();

        HttpResponse<String> stats = http("GET", "/_emulator/stats", null);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode json = SdkHarness.parse(stats.body());
        assertThat(json.get("calls").asLong()).isEqualTo(2);
        assertThat(json.get("currentConcurrency").asInt()).isZero();
        assertThat(json.get("maxConcurrency").asInt()).isEqualTo(1);
        JsonNode attempts = json.at("/requests/admin");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(attempts.get(0).get("outcome").asText()).isEqualTo("ThrottlingException");
        assertThat(attempts.get(0).get("chunks").asInt()).isZero();
        assertThat(attempts.get(0).get("text").isNull()).isTrue();
        assertThat(attempts.get(1).get("outcome").asText()).isEqualTo("complete");
        assertThat(attempts.get(1).get("chunks").asInt()).isEqualTo(13);
        assertThat(attempts.get(1).get("modelId").asText()).isEqualTo(SdkHarness.CLAUDE);
        assertThat(attempts.get(1).get("text").asText())
                .isEqualTo(emulator.stats().attempts("admin").get(1).text());

        assertThat(http("POST", "/_emulator/reset", null).statusCode()).isEqualTo(200);
        JsonNode afterReset =
                SdkHarness.parse(http("GET", "/_emulator/stats", null).body());
        assertThat(afterReset.get("calls").asLong()).isZero();
        assertThat(afterReset.get("maxConcurrency").asInt()).isZero();
        assertThat(afterReset.get("requests").size()).isZero();

        HttpResponse<String> settings = http(
                "POST",
                "/_emulator/settings",
                "{\"words\":4,\"perChunk\":2,\"throttleFraction\":0.0,\"maxConcurrentStreams\":10,\"ttftMs\":0,\"delayMs\":0}");
        assertThat(settings.statusCode()).isEqualTo(200);
        assertThat(emulator.options().words()).isEqualTo(4);
        assertThat(emulator.options().perChunk()).isEqualTo(2);
        assertThat(emulator.options().maxConcurrentStreams()).isEqualTo(10);
        assertThat(SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("after settings"))
                        .chunks())
                .hasSize(7);
        assertThat(http("POST", "/_emulator/settings", "{\"throttleFraction\":7}")
                        .statusCode())
                .isEqualTo(400);
        http("POST", "/_emulator/settings", "{\"words\":24,\"perChunk\":3,\"maxConcurrentStreams\":0}");
    }

    @Test
    void invokeReturnsTheWholeAnthropicMessage() {
        String body = SdkHarness.claudeBody("[[emu id=whole words=6]] one two");
        InvokeModelResponse response = h1.invokeModel(b -> b.modelId(SdkHarness.CLAUDE)
                        .contentType("application/json")
                        .body(SdkBytes.fromUtf8String(body)))
                .join();
        JsonNode json = SdkHarness.parse(response.body().asUtf8String());
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(json.get("type").asText()).isEqualTo("message");
        assertThat(json.get("role").asText()).isEqualTo("assistant");
        assertThat(json.at("/content/0/type").asText()).isEqualTo("text");
        assertThat(json.at("/content/0/text").asText())
                .isEqualTo(emulator.stats().attempts("whole").get(0).text());
        assertThat(json.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(json.at("/usage/input_tokens").asInt()).isEqualTo(5); // whitespace words of the prompt
        assertThat(json.at("/usage/output_tokens").asInt()).isEqualTo(6);
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Output-Token-Count"))
                .hasValue("6");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count"))
                .hasValue("5");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Amzn-Bedrock-Invocation-Latency"))
                .isPresent();
    }

    @Test
    void streamingOverHttp1ForEveryFamilyShape() {
        List<String[]> calls = List.of(
                new String[] {"amazon.titan-text-express-v1", "{\"inputText\":\"[[emu words=4 per_chunk=2]] hi\"}", "2"
                },
                new String[] {"cohere.command-r-v1:0", "{\"message\":\"[[emu words=4 per_chunk=2]] hi\"}", "4"},
                new String[] {
                    "openai.gpt-oss-120b-1:0",
                    "{\"messages\":[{\"role\":\"user\",\"content\":\"[[emu words=4 per_chunk=2]] hi\"}]}",
                    "2"
                });
        for (String[] call : calls) {
            SdkHarness.StreamResult r = SdkHarness.stream(h1, call[0], call[1]);
            assertThat(r.error()).as(call[0]).isNull();
            assertThat(r.chunks()).as(call[0]).hasSize(Integer.parseInt(call[2]));
        }
    }

    @Test
    void streamResponseCarriesBedrockHeaders() throws Exception {
        HttpResponse<byte[]> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                emulator.endpoint() + "/model/" + SdkHarness.CLAUDE + "/invoke-with-response-stream"))
                        .header("Content-Type", "application/json")
                        .header(
                                "Authorization",
                                "AWS4-HMAC-SHA256 Credential=x/20250101/us-east-1/bedrock/aws4_request,"
                                        + " SignedHeaders=host, Signature=00")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(SdkHarness.claudeBody("[[emu words=1]] hi")))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.amazon.eventstream");
        assertThat(response.headers().firstValue("X-Amzn-Bedrock-Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-amzn-RequestId"))
                .get()
                .asString()
                .hasSize(36);
        // 6 chunk frames, each starting with its own total length
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(response.body());
        int frames = 0;
        while (buf.remaining() > 0) {
            int total = buf.getInt(buf.position());
            software.amazon.awssdk.eventstream.Message m = software.amazon.awssdk.eventstream.Message.decode(
                    buf.slice().limit(total));
            JsonNode outer = SdkHarness.parse(new String(m.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(outer.get("p").asText()).isNotEmpty();
            assertThat("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123")
                    .startsWith(outer.get("p").asText());
            buf.position(buf.position() + total);
            frames++;
        }
        assertThat(frames).isEqualTo(6);
    }

    @Test
    void invokeReturnsEachFamilysWholeBody() {
        String d = "[[emu id=ID words=5]] hi";
        String[][] cases = {
            {"amazon.titan-text-express-v1", "{\"inputText\":\"" + d + "\"}", "/results/0/outputText"},
            {
                "amazon.nova-micro-v1:0",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + d + "\"}]}]}",
                "/output/message/content/0/text"
            },
            {"meta.llama3-70b-instruct-v1:0", "{\"prompt\":\"" + d + "\"}", "/generation"},
            {"mistral.mistral-7b-instruct-v0:2", "{\"prompt\":\"" + d + "\"}", "/outputs/0/text"},
            {
                "mistral.mistral-large-2407-v1:0",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + d + "\"}]}",
                "/choices/0/message/content"
            },
            {"cohere.command-r-v1:0", "{\"message\":\"" + d + "\"}", "/text"},
            {
                "ai21.jamba-instruct-v1:0",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + d + "\"}]}",
                "/choices/0/message/content"
            },
            {"deepseek.r1-v1:0", "{\"prompt\":\"" + d + "\"}", "/choices/0/text"},
            {
                "openai.gpt-oss-20b-1:0",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + d + "\"}]}",
                "/choices/0/message/content"
            }
        };
        for (String[] c : cases) {
            String id = "whole-" + c[0];
            InvokeModelResponse response = h1.invokeModel(b -> b.modelId(c[0])
                            .contentType("application/json")
                            .body(SdkBytes.fromUtf8String(c[1].replace("ID", id))))
                    .join();
            JsonNode json = SdkHarness.parse(response.body().asUtf8String());
            String text = emulator.stats().attempts(id).get(0).text();
            assertThat(text.split(" ").length).as(c[0]).isGreaterThanOrEqualTo(5);
            assertThat(json.at(c[2]).asText()).as(c[0]).isEqualTo(text);
        }
    }

    @Test
    void settingsCanTurnSignatureVerificationOnAndOff() throws Exception {
        try {
            assertThat(http("POST", "/_emulator/settings", "{\"accessKeyId\":\"AKIAX\",\"secretAccessKey\":\"s3cr3t\"}")
                            .body())
                    .contains("\"verifiesSignatures\":true")
                    .doesNotContain("s3cr3t");
            SdkHarness.StreamResult refused = SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"));
            assertThat(((software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException) refused.error())
                            .awsErrorDetails()
                            .errorCode())
                    .isEqualTo("UnrecognizedClientException");
        } finally {
            http("POST", "/_emulator/settings", "{\"accessKeyId\":null,\"secretAccessKey\":null}");
        }
        assertThat(emulator.options().verifiesSignatures()).isFalse();
        assertThat(SdkHarness.stream(h1, SdkHarness.CLAUDE, SdkHarness.claudeBody("x"))
                        .error())
                .isNull();
    }
}
