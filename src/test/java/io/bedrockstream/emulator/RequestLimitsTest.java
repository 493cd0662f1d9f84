package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw-HTTP checks the SDK would never send: oversize bodies, wrong content type, unknown routes. */
class RequestLimitsTest {

    private static final String ERROR_TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazon.bedrock/";
    private static BedrockEmulator emulator;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() {
        emulator = BedrockEmulator.start(EmulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(emulator.endpoint() + path))
                        .header("Content-Type", contentType)
                        .header(
                                "Authorization",
                                "AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/bedrock/aws4_request,"
                                        + " SignedHeaders=host, Signature=00")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bodyOver25MillionBytesIsAValidationException() throws Exception {
        byte[] body = new byte[25_000_001];
        Arrays.fill(body, (byte) ' ');
        HttpResponse<String> response =
                post("/model/" + SdkHarness.CLAUDE + "/invoke-with-response-stream", "application/json", body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
                .hasValue("ValidationException" + ERROR_TYPE_SUFFIX);
        assertThat(response.body()).contains("Input is too long");
    }

    @Test
    void nonJsonContentTypeIsAValidationException() throws Exception {
        HttpResponse<String> response = post(
                "/model/" + SdkHarness.CLAUDE + "/invoke",
                "text/plain",
                SdkHarness.claudeBody("hi").getBytes());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("x-amzn-ErrorType"))
                .hasValue("ValidationException" + ERROR_TYPE_SUFFIX);
        assertThat(SdkHarness.parse(response.body()).get("message").asText()).contains("text/plain");
    }

    @Test
    void modelErrorBodyCarriesItsExtraFields() throws Exception {
        HttpResponse<String> response = post(
                "/model/" + SdkHarness.CLAUDE + "/invoke-with-response-stream",
                "application/json",
                SdkHarness.claudeBody("[[emu pre=ModelErrorException]]").getBytes());
        assertThat(response.statusCode()).isEqualTo(424);
        var json = SdkHarness.parse(response.body());
        assertThat(json.get("originalStatusCode").asInt()).isEqualTo(500);
        assertThat(json.get("resourceName").asText()).isNotEmpty();
        assertThat(json.get("message").asText()).isNotEmpty();
    }

    @Test
    void unknownRouteIs404() throws Exception {
        assertThat(post("/model/x/converse", "application/json", "{}".getBytes())
                        .statusCode())
                .isEqualTo(404);
    }
}
