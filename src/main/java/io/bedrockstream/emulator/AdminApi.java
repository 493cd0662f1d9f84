package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;

/** {@code /_emulator/*}: the stats view, reset and runtime settings, as JSON. */
final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmulatorState state;

    AdminApi(EmulatorState state) {
        this.state = state;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
        boolean get = request.method() == HttpMethod.GET;
        boolean post = request.method() == HttpMethod.POST;
        if (path.equals("/_emulator/stats") && get) {
            HttpReplies.sendJson(ctx, request, HttpResponseStatus.OK, null, statsJson(state.recorder.snapshot()));
        } else if (path.equals("/_emulator/reset") && post) {
            state.reset();
            HttpReplies.sendJson(
                    ctx,
                    request,
                    HttpResponseStatus.OK,
                    null,
                    JSON.createObjectNode().put("reset", true));
        } else if (path.equals("/_emulator/settings") && post) {
            try {
                JsonNode settings = JSON.readTree(ByteBufUtil.getBytes(request.content()));
                state.update(o -> applySettings(o.toBuilder(), settings).build());
            } catch (IOException | IllegalArgumentException e) {
                HttpReplies.sendJson(
                        ctx,
                        request,
                        HttpResponseStatus.BAD_REQUEST,
                        null,
                        JSON.createObjectNode().put("message", "Bad settings: " + e.getMessage()));
                return;
            }
            HttpReplies.sendJson(ctx, request, HttpResponseStatus.OK, null, settingsJson(state.options()));
        } else if (path.equals("/_emulator/settings") && get) {
            HttpReplies.sendJson(ctx, request, HttpResponseStatus.OK, null, settingsJson(state.options()));
        } else {
            HttpReplies.sendJson(
                    ctx,
                    request,
                    HttpResponseStatus.NOT_FOUND,
                    null,
                    JSON.createObjectNode().put("message", "Unknown admin route " + request.method() + " " + path));
        }
    }

    static EmulatorOptions.Builder applySettings(EmulatorOptions.Builder b, JsonNode s) {
        if (s == null || !s.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        if (s.has("throttleFraction")) {
            b.throttleFraction(s.get("throttleFraction").asDouble());
        }
        if (s.has("maxConcurrentStreams")) {
            b.maxConcurrentStreams(s.get("maxConcurrentStreams").asInt());
        }
        if (s.has("tokensPerMinute")) {
            b.tokensPerMinute(s.get("tokensPerMinute").asLong());
        }
        if (s.has("quotaWindowMs")) {
            b.quotaWindowMs(s.get("quotaWindowMs").asLong());
        }
        if (s.has("quotaOutputWeights")) {
            b.quotaOutputWeights(s.get("quotaOutputWeights").asText());
        }
        if (s.has("words")) {
            b.words(s.get("words").asInt());
        }
        if (s.has("perChunk")) {
            b.perChunk(s.get("perChunk").asInt());
        }
        if (s.has("ttftMs")) {
            b.ttftMs(s.get("ttftMs").asLong());
        }
        if (s.has("delayMs")) {
            b.delayMs(s.get("delayMs").asLong());
        }
        if (s.has("seed")) {
            b.seed(s.get("seed").asLong());
        }
        if (s.has("accessKeyId") || s.has("secretAccessKey")) {
            // both null (or absent) turns verification off; the secret is never echoed back
            b.credentials(text(s, "accessKeyId"), text(s, "secretAccessKey"));
        }
        if (s.has("logCalls")) {
            b.logCalls(s.get("logCalls").asBoolean());
        }
        if (s.has("stsRoles")) {
            b.stsRoles(strings(s.get("stsRoles")));
        }
        if (s.has("webIdentityTokens")) {
            b.webIdentityTokens(strings(s.get("webIdentityTokens")));
        }
        if (s.has("credentialLifetimeMs")) {
            b.credentialLifetime(
                    java.time.Duration.ofMillis(s.get("credentialLifetimeMs").asLong()));
        }
        return b;
    }

    private static ObjectNode settingsJson(EmulatorOptions o) {
        return JSON.createObjectNode()
                .put("throttleFraction", o.throttleFraction())
                .put("maxConcurrentStreams", o.maxConcurrentStreams())
                .put("tokensPerMinute", o.tokensPerMinute())
                .put("quotaWindowMs", o.quotaWindowMs())
                .put("quotaOutputWeights", o.quotaOutputWeights())
                .put("words", o.words())
                .put("perChunk", o.perChunk())
                .put("ttftMs", o.ttftMs())
                .put("delayMs", o.delayMs())
                .put("seed", o.seed())
                .put("logCalls", o.logCalls())
                .put("verifiesSignatures", o.verifiesSignatures())
                .put("credentialLifetimeMs", o.credentialLifetime().toMillis())
                // tokens are secrets of a kind: only how many there are
                .put("webIdentityTokens", o.webIdentityTokens().size())
                .set("stsRoles", JSON.valueToTree(new java.util.TreeSet<>(o.stsRoles())));
    }

    static ObjectNode statsJson(EmulatorStats stats) {
        ObjectNode root = JSON.createObjectNode()
                .put("calls", stats.calls())
                .put("currentConcurrency", stats.currentConcurrency())
                .put("maxConcurrency", stats.maxConcurrency())
                .put("tokenQuotaThrottles", stats.tokenQuotaThrottles())
                .put("openConnections", stats.openConnections())
                .put("callsWithSessionToken", stats.callsWithSessionToken());
        ObjectNode sts = root.putObject("stsCalls");
        stats.stsCalls().forEach(sts::put);
        ObjectNode requests = root.putObject("requests");
        stats.requests().forEach((id, attempts) -> {
            var array = requests.putArray(id);
            for (Attempt a : attempts) {
                array.addObject()
                        .put("attempt", a.attempt())
                        .put("modelId", a.modelId())
                        .put("outcome", a.outcome())
                        .put("chunks", a.chunks())
                        .put("text", a.text());
            }
        });
        return root;
    }

    private static java.util.Set<String> strings(JsonNode array) {
        if (!array.isArray()) {
            throw new IllegalArgumentException("expected an array of strings");
        }
        java.util.Set<String> values = new java.util.HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String text(JsonNode s, String field) {
        JsonNode v = s.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
