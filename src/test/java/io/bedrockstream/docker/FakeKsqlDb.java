package io.bedrockstream.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Just enough of ksqlDB's REST API for the set-up script's checks: GET /healthcheck and POST /ksql, answered
 * with the entity shapes ksqlDB 0.29 sends (currentStatus, warning_entity, statement_error, streams, tables,
 * queries). Each statement is answered by a test's rule; LIST and SHOW are answered from what was created.
 */
final class FakeKsqlDb implements AutoCloseable {

    /** How the fake answers one statement. */
    enum Reply {
        SUCCESS,
        ALREADY_EXISTS,
        REJECTED,
        QUERY_FAILS
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> statementRequests = new ArrayList<>();
    private final Set<String> created = new LinkedHashSet<>();
    private volatile Function<String, Reply> rule = sql -> Reply.SUCCESS;
    private volatile boolean healthy = true;
    private volatile boolean forgetsWhatItCreates;
    private volatile boolean aQueryFailed;
    private long commandSequenceNumber;

    FakeKsqlDb() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthcheck", this::healthcheck);
        server.createContext("/ksql", this::ksql);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The rule that answers each statement (LIST and SHOW excepted), by its text. */
    FakeKsqlDb answering(Function<String, Reply> rule) {
        this.rule = rule;
        return this;
    }

    FakeKsqlDb unhealthy() {
        healthy = false;
        return this;
    }

    /** Accepts CREATE statements but never lists what they create. */
    FakeKsqlDb forgettingWhatItCreates() {
        forgetsWhatItCreates = true;
        return this;
    }

    /**
     * The statement requests received (LIST and SHOW excepted), as JSON: {"ksql", "streamsProperties"} and,
     * after the first command, "commandSequenceNumber".
     */
    synchronized List<JsonNode> statementRequests() {
        return List.copyOf(statementRequests);
    }

    private void healthcheck(HttpExchange exchange) throws IOException {
        reply(exchange, healthy ? 200 : 503, JSON.createObjectNode().put("isHealthy", healthy));
    }

    private void ksql(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String sql = request.path("ksql").asText();
        String upper = sql.strip().toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("LIST STREAMS")) {
            reply(exchange, 200, listing("streams", "streams"));
        } else if (upper.startsWith("LIST TABLES")) {
            reply(exchange, 200, listing("tables", "tables"));
        } else if (upper.startsWith("SHOW QUERIES")) {
            ArrayNode answer = JSON.createArrayNode();
            ObjectNode queries = answer.addObject().put("@type", "queries").put("statementText", sql);
            String state = aQueryFailed ? "ERROR" : "RUNNING";
            queries.putArray("queries")
                    .addObject()
                    .put("id", "CTAS_X_1")
                    .put("state", state)
                    .putObject("statusCount")
                    .put(state, 1);
            reply(exchange, 200, answer);
        } else {
            statement(exchange, request, sql);
        }
    }

    private void statement(HttpExchange exchange, JsonNode request, String sql) throws IOException {
        synchronized (this) {
            statementRequests.add(request);
        }
        Reply reply = rule.apply(sql);
        String name = KsqlStatements.parse(sql).stream()
                .findFirst()
                .flatMap(KsqlStatements.Statement::creates)
                .orElse(null);
        switch (reply) {
            case REJECTED ->
                reply(
                        exchange,
                        400,
                        JSON.createObjectNode()
                                .put("@type", "statement_error")
                                .put("error_code", 40001)
                                .put("message", "Invalid statement: the fake says no")
                                .put("statementText", sql)
                                .set("entities", JSON.createArrayNode()));
            case ALREADY_EXISTS -> {
                remember(name);
                ArrayNode answer = JSON.createArrayNode();
                answer.addObject()
                        .put("@type", "warning_entity")
                        .put("statementText", sql)
                        .put("message", "Cannot add stream `" + name + "`: A stream with the same name already exists.")
                        .set("warnings", JSON.createArrayNode());
                reply(exchange, 200, answer);
            }
            case SUCCESS, QUERY_FAILS -> {
                remember(name);
                aQueryFailed |= reply == Reply.QUERY_FAILS;
                ArrayNode answer = JSON.createArrayNode();
                ObjectNode status = answer.addObject()
                        .put("@type", "currentStatus")
                        .put("statementText", sql)
                        .put("commandId", "stream/`" + name + "`/create")
                        .put("commandSequenceNumber", nextCommandSequenceNumber());
                status.putObject("commandStatus").put("status", "SUCCESS").put("message", "Created");
                status.set("warnings", JSON.createArrayNode());
                reply(exchange, 200, answer);
            }
            default -> throw new IllegalStateException("unknown reply " + reply);
        }
    }

    /** 10, 11, 12...: what the client must send back with its next request. */
    private synchronized long nextCommandSequenceNumber() {
        return 10 + commandSequenceNumber++;
    }

    private synchronized void remember(String name) {
        if (name != null && !forgetsWhatItCreates) {
            created.add(name);
        }
    }

    private synchronized ArrayNode listing(String type, String field) {
        ArrayNode answer = JSON.createArrayNode();
        ObjectNode entity = answer.addObject().put("@type", type);
        ArrayNode list = entity.putArray(field);
        if (type.equals("streams")) {
            created.forEach(
                    n -> list.addObject().put("type", "STREAM").put("name", n).put("topic", "t"));
        }
        entity.set("warnings", JSON.createArrayNode());
        return answer;
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
