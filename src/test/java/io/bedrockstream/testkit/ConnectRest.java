package io.bedrockstream.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The few Kafka Connect REST calls the demo and the packaged-plugin test make. */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ConnectRest(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** A response the caller decides about; body is JSON when the worker sent JSON, else a text node. */
    public record Response(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response put(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    /** The plugins the worker loaded: objects with class, type and version. */
    public List<JsonNode> connectorPlugins() throws IOException, InterruptedException {
        Response response = get("/connector-plugins");
        if (!response.ok()) {
            throw new IOException("GET /connector-plugins answered " + response.status() + ": " + response.body());
        }
        List<JsonNode> plugins = new ArrayList<>();
        response.body().forEach(plugins::add);
        return plugins;
    }

    /** "connector X FAILED: trace" or "task N of X FAILED: trace" when the status says so; empty otherwise. */
    public Optional<String> failure(String connector) throws IOException, InterruptedException {
        Response response = get("/connectors/" + connector + "/status");
        if (!response.ok()) {
            return Optional.empty();
        }
        JsonNode status = response.body();
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            return Optional.of("connector " + connector + " FAILED:" + System.lineSeparator()
                    + causes(status.path("connector").path("trace").asText()));
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                return Optional.of("task " + task.path("id").asText() + " of " + connector + " FAILED:"
                        + System.lineSeparator() + causes(task.path("trace").asText()));
            }
        }
        return Optional.empty();
    }

    /** A stack trace without its frames: the exception and each "Caused by", which say what to fix. */
    static String causes(String trace) {
        return trace.lines()
                        .filter(line -> !line.isBlank())
                        .filter(line -> !line.startsWith("\t") && !line.startsWith(" "))
                        .map(line -> "  " + line)
                        .collect(Collectors.joining(System.lineSeparator()))
                + System.lineSeparator() + "  (stack frames: GET /connectors/{name}/status or the worker log)";
    }

    /** Creates or updates a connector; retries while the worker's group is still rebalancing. */
    public JsonNode putConnectorConfig(String name, Map<String, String> config, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Response response = put("/connectors/" + name + "/config", config);
            if (response.ok()) {
                return response.body();
            }
            // 409: rebalance in progress; 503/500 with "starting": the herder is not ready yet
            boolean transientState = response.status() == 409 || response.status() == 503;
            if (!transientState || System.nanoTime() > deadline) {
                throw new IOException("PUT /connectors/" + name + "/config answered " + response.status() + ": "
                        + response.body().path("message").asText(response.body().toString()));
            }
            Thread.sleep(250);
        }
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException notJson) {
            body = JSON.getNodeFactory().textNode(text);
        }
        return new Response(response.statusCode(), body);
    }
}
