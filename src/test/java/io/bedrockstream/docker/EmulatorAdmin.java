package io.bedrockstream.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.emulator.Attempt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The emulator's admin API (GET /_emulator/stats, docs/EMULATOR.md) seen from the test JVM: what each marked
 * request's attempts were, as the in-process tests read them from {@code BedrockEmulator.stats()}.
 */
final class EmulatorAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    // HTTP/1.1: the emulator also speaks h2c, but with prior knowledge, not through an Upgrade request
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    EmulatorAdmin(URI base) {
        this.base = base;
    }

    /** The attempts of the request marked {@code [[emu id=...]]}, in order; empty when it was never called. */
    List<Attempt> attempts(String id) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve("/_emulator/stats"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /_emulator/stats answered " + response.statusCode() + ": " + response.body());
        }
        List<Attempt> attempts = new ArrayList<>();
        for (JsonNode a : JSON.readTree(response.body()).path("requests").path(id)) {
            attempts.add(new Attempt(
                    a.path("attempt").asInt(),
                    a.path("modelId").asText(),
                    a.path("outcome").asText(),
                    a.path("chunks").asInt(),
                    a.path("text").isNull() ? null : a.path("text").asText()));
        }
        return attempts;
    }
}
