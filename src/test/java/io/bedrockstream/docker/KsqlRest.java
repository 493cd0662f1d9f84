package io.bedrockstream.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * ksqlDB's REST API as docker/ksqldb/run-statements.sh uses it, from Java: one statement per POST /ksql with
 * the properties SET before it and the sequence number of the last command queued (so that the server runs it
 * only after that command executed), each answer checked by the same rules as the script ({@link #problem}); and
 * pull queries through POST /query (HTTP/1.1; /query-stream is documented for HTTP/2 only).
 */
final class KsqlRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KSQL_JSON = "application/vnd.ksql.v1+json";

    /** An answer: the HTTP status and the body as JSON (a text node when it was not JSON). */
    record Answer(int status, JsonNode body) {}

    private final URI base;
    /** The last command ksqlDB queued; the next request waits for it to execute, as the CLI's requests do. */
    private Long commandSequenceNumber;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    KsqlRest(URI base) {
        this.base = base;
    }

    /** Runs one statement; fails naming it when ksqlDB does not accept it. */
    Answer execute(KsqlStatements.Statement statement) throws IOException, InterruptedException {
        Answer answer = post("/ksql", statement.sql(), statement.properties());
        problem(answer).ifPresent(p -> {
            throw new AssertionError("ksqlDB did not accept " + statement.summary() + ": " + p);
        });
        JsonNode sequence = answer.body().path(0).path("commandSequenceNumber");
        if (sequence.canConvertToLong()) {
            commandSequenceNumber = sequence.asLong();
        }
        return answer;
    }

    /**
     * What is wrong with the answer to a statement, as run-statements.sh judges it: a statement_error or
     * error_code, a status other than 200, a command that ended in ERROR, or anything but a currentStatus or
     * an "already exists" warning (CREATE ... IF NOT EXISTS of an existing object). A command still queued is
     * accepted; that its object exists is checked with {@link #names}.
     */
    static Optional<String> problem(Answer answer) {
        JsonNode body = answer.body();
        JsonNode entity = body.isArray() && body.size() > 0 ? body.get(0) : body;
        String type = entity.path("@type").asText();
        if (type.equals("statement_error") || entity.has("error_code")) {
            return Optional.of("rejected (HTTP " + answer.status() + "): "
                    + entity.path("message").asText(body.toString()));
        }
        if (answer.status() != 200) {
            return Optional.of("HTTP " + answer.status() + ": " + body);
        }
        if (type.equals("currentStatus")) {
            String status = entity.path("commandStatus").path("status").asText();
            return status.equals("ERROR")
                    ? Optional.of("the command failed: "
                            + entity.path("commandStatus").path("message").asText())
                    : Optional.empty();
        }
        if (type.equals("warning_entity") && entity.path("message").asText().contains("already exists")) {
            return Optional.empty();
        }
        return Optional.of("unexpected answer: " + body);
    }

    /** The names in the answer to LIST STREAMS; or LIST TABLES; (upper case, as ksqlDB keeps them). */
    Set<String> names(String listStatement) throws IOException, InterruptedException {
        Answer answer = post("/ksql", listStatement, Map.of());
        if (answer.status() != 200) {
            throw new AssertionError(listStatement + " answered HTTP " + answer.status() + ": " + answer.body());
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode entity : answer.body()) {
            for (String field : List.of("streams", "tables")) {
                entity.path(field).forEach(s -> names.add(s.path("name").asText()));
            }
        }
        return names;
    }

    /**
     * The rows of a pull query, each as its list of column values.
     *
     * @throws IllegalStateException when ksqlDB refuses or fails the query, e.g. while the table is not ready
     */
    List<JsonNode> pullQuery(String sql) throws IOException, InterruptedException {
        Answer answer = post("/query", sql, Map.of());
        if (answer.status() != 200) {
            throw new IllegalStateException(sql + " answered HTTP " + answer.status() + ": " + answer.body());
        }
        return rows(answer.body());
    }

    /** The rows of a /query answer: [{"header": ...}, {"row": {"columns": [...]}}, ..., maybe {"finalMessage"}]. */
    static List<JsonNode> rows(JsonNode body) {
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode element : body) {
            if (element.has("errorMessage")) {
                throw new IllegalStateException("the query failed: " + element);
            }
            if (element.path("row").has("columns")) {
                rows.add(element.path("row").path("columns"));
            }
        }
        return rows;
    }

    /** A field of a STRUCT column, matched without regard to case (ksqlDB upper-cases unquoted names). */
    static JsonNode field(JsonNode struct, String name) {
        for (var it = struct.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return JSON.missingNode();
    }

    private Answer post(String path, String sql, Map<String, String> properties)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("ksql", sql);
        request.set("streamsProperties", JSON.valueToTree(properties));
        if (commandSequenceNumber != null && path.equals("/ksql")) {
            request.put("commandSequenceNumber", commandSequenceNumber);
        }
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(120))
                        .header("Content-Type", KSQL_JSON + "; charset=utf-8")
                        .header("Accept", KSQL_JSON)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException notJson) {
            body = JSON.getNodeFactory().textNode(response.body());
        }
        return new Answer(response.statusCode(), body);
    }
}
