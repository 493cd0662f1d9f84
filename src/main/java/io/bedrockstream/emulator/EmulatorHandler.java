package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes one aggregated request (HTTP/1.1 or an h2 stream) to Bedrock, to STS or to the admin API. */
@ChannelHandler.Sharable
final class EmulatorHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final int MAX_BODY_BYTES = 25_000_000;
    private static final Logger LOG = LoggerFactory.getLogger(EmulatorHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM_SUFFIX = "/invoke-with-response-stream";
    private static final String INVOKE_SUFFIX = "/invoke";
    private static final String CONVERSE_SUFFIX = "/converse-stream";
    /** Bedrock's message when the tokens-per-minute quota refuses a call. */
    static final String TOO_MANY_TOKENS = "Too many tokens, please wait before trying again.";

    private static final Set<String> MID_TYPES = Set.of(
            "throttlingException",
            "modelStreamErrorException",
            "internalServerException",
            "serviceUnavailableException",
            "validationException",
            "modelTimeoutException",
            "error",
            "close",
            "corrupt",
            "stall");

    private final EmulatorState state;
    private final AdminApi adminApi;
    private final StsApi stsApi;

    EmulatorHandler(EmulatorState state) {
        this.state = state;
        this.adminApi = new AdminApi(state);
        this.stsApi = new StsApi(state);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String uri = request.uri();
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        try {
            if (path.startsWith("/_emulator/")) {
                adminApi.handle(ctx, request, path);
            } else if (StsApi.isStsRequest(request, path)) {
                stsApi.handle(ctx, request);
            } else if (path.startsWith("/model/") && path.endsWith(STREAM_SUFFIX)) {
                invoke(ctx, request, path.substring(7, path.length() - STREAM_SUFFIX.length()), true, false);
            } else if (path.startsWith("/model/") && path.endsWith(CONVERSE_SUFFIX)) {
                invoke(ctx, request, path.substring(7, path.length() - CONVERSE_SUFFIX.length()), true, true);
            } else if (path.startsWith("/model/") && path.endsWith(INVOKE_SUFFIX)) {
                invoke(ctx, request, path.substring(7, path.length() - INVOKE_SUFFIX.length()), false, false);
            } else {
                HttpReplies.sendJson(
                        ctx,
                        request,
                        HttpResponseStatus.NOT_FOUND,
                        null,
                        JSON.createObjectNode().put("message", "Unknown route " + path));
            }
        } catch (RuntimeException e) {
            LOG.warn("emulator failed on {}", path, e);
            sendError(ctx, request, "InternalServerException", e.toString(), null);
        }
    }

    /** A client that resets or drops its connection is normal here; its open stream records "cancelled". */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing {} after {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private void invoke(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            String encodedModelId,
            boolean streaming,
            boolean converse) {
        long startNanos = System.nanoTime();
        EmulatorOptions options = state.options();
        byte[] body = ByteBufUtil.getBytes(request.content());
        String modelId = URLDecoder.decode(encodedModelId.replace("+", "%2B"), StandardCharsets.UTF_8);
        Directives directives = Directives.parse(new String(body, StandardCharsets.UTF_8));
        String id = directives.id();
        int attempt = state.recorder.newAttempt(id);
        Refusal refusal = new Refusal(ctx, request, id, attempt, modelId, startNanos);

        if (request.method() != HttpMethod.POST) {
            refusal.send("ValidationException", "Only POST is supported.", null);
            return;
        }
        if (ApiKeyAuth.isBearer(request.headers())) {
            Optional<String> refused = ApiKeyAuth.check(options.apiKeys(), request.headers());
            state.apiKeyAuth.note(id, request.headers(), refused.isEmpty());
            if (refused.isPresent()) {
                refusal.send("AccessDeniedException", refused.get(), null);
                return;
            }
        } else {
            SigV4Verifier.Verdict auth = SigV4Verifier.check(
                    options,
                    state.temporaryCredentials,
                    request.method().name(),
                    request.uri(),
                    request.headers(),
                    body);
            state.apiKeyAuth.note(id, request.headers(), auth.error().isEmpty());
            if (auth.error().isPresent()) {
                refusal.send(auth.error().get(), null, null);
                return;
            }
            if (auth.temporary().isPresent()) {
                state.recorder.sessionTokenCall();
            }
        }
        if (body.length > MAX_BODY_BYTES) {
            refusal.send("ValidationException", "Input is too long for requested model.", null);
            return;
        }
        // Converse speaks one format for every model: any model id (or profile ARN) is accepted
        Optional<Family> family =
                converse ? Optional.of(Family.NOVA) : Family.resolve(modelId, directives.string("family"));
        if (family.isEmpty()) {
            refusal.send("ValidationException", BedrockErrors.INVALID_MODEL_MESSAGE, null);
            return;
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase().startsWith("application/json")) {
            refusal.send(
                    "ValidationException",
                    "The provided Content-Type '" + contentType + "' is not supported; use application/json.",
                    null);
            return;
        }
        RequestBody parsed;
        ConverseRequest conversation = null;
        try {
            if (converse) {
                conversation = ConverseRequest.parse(body);
                parsed = conversation.asBody();
            } else {
                parsed = RequestBody.parse(family.get(), body);
            }
        } catch (RequestBody.Invalid e) {
            refusal.send("ValidationException", e.getMessage(), null);
            return;
        }
        String tiers = directives.string("tiers");
        String tier = converse ? conversation.serviceTier() : request.headers().get("X-Amzn-Bedrock-Service-Tier");
        if (tiers != null
                && tier != null
                && !java.util.Arrays.asList(tiers.split(",")).contains(tier)) {
            refusal.send(
                    "ValidationException",
                    "The requested service tier '" + tier + "' is not supported for this model.",
                    null);
            return;
        }
        String mid = directives.string("mid");
        if (mid != null && !MID_TYPES.contains(mid)) {
            refusal.send("ValidationException", "Unknown emulator directive mid=" + mid, null);
            return;
        }
        if (attempt <= directives.integer("throttle").orElse(0)) {
            refusal.send("ThrottlingException", null, null);
            return;
        }
        String pre = directives.string("pre");
        if (pre != null && directives.appliesTo("pre_times", attempt)) {
            if (BedrockErrors.preStream(pre).isEmpty()) {
                refusal.send("ValidationException", "Unknown emulator directive pre=" + pre, null);
            } else {
                refusal.send(pre, null, null);
            }
            return;
        }
        if (state.randomlyThrottled()) {
            refusal.send("ThrottlingException", null, null);
            return;
        }

        String baseModel = Family.baseModelId(modelId).orElse(modelId);
        Generation generation = Generation.plan(
                options.seed(),
                modelId,
                body,
                directives.integer("words").orElse(options.words()),
                Math.max(1, directives.integer("per_chunk").orElse(options.perChunk())),
                parsed);
        long maxOutput =
                parsed.maxTokens().isPresent() ? Math.max(0, parsed.maxTokens().getAsInt()) : generation.outputTokens();
        if (!streaming) {
            TokenQuota.Reservation tokens = state.reserveTokens(modelId, generation.inputTokens, maxOutput);
            if (tokens == null) {
                refusal.send("ThrottlingException", TOO_MANY_TOKENS, null);
                return;
            }
            tokens.end(generation.outputTokens());
            invokeWhole(ctx, request, family.get(), baseModel, generation, refusal);
            return;
        }
        if (!state.recorder.openStream(options.maxConcurrentStreams())) {
            refusal.send("ThrottlingException", null, null);
            return;
        }
        TokenQuota.Reservation tokens = state.reserveTokens(modelId, generation.inputTokens, maxOutput);
        if (tokens == null) {
            state.recorder.closeStream();
            refusal.send("ThrottlingException", TOO_MANY_TOKENS, null);
            return;
        }
        StreamingCall.Fault fault = null;
        if (mid != null && directives.appliesTo("mid_times", attempt)) {
            fault = new StreamingCall.Fault(
                    mid,
                    directives.integer("mid_after").orElse(1),
                    directives.longValue("stall_ms").orElse(1000),
                    directives.integer("orig_status").orElse(500));
        }
        HttpResponse headers = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        headers.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.amazon.eventstream");
        headers.headers().set("X-Amzn-Bedrock-Content-Type", "application/json");
        headers.headers().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (!(ctx.channel() instanceof Http2StreamChannel)) {
            HttpUtil.setTransferEncodingChunked(headers, true);
        }
        new StreamingCall(
                        state,
                        ctx.channel(),
                        id,
                        attempt,
                        modelId,
                        generation,
                        converse
                                ? ConverseScript.events(generation, directives, conversation)
                                : ChunkScript.chunks(family.get(), baseModel, generation),
                        directives.longValue("ttft_ms").orElse(options.ttftMs()),
                        directives.longValue("delay_ms").orElse(options.delayMs()),
                        fault,
                        tokens,
                        converse)
                .start(headers, ctx.channel() instanceof Http2StreamChannel || HttpUtil.isKeepAlive(request));
    }

    private void invokeWhole(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            Family family,
            String baseModel,
            Generation generation,
            Refusal refusal) {
        ObjectNode body = ChunkScript.fullResponse(family, baseModel, generation);
        long latency = (System.nanoTime() - refusal.startNanos) / 1_000_000;
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(HttpReplies.bytes(body)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().set("x-amzn-RequestId", UUID.randomUUID().toString());
        response.headers().set("X-Amzn-Bedrock-Input-Token-Count", generation.inputTokens);
        response.headers().set("X-Amzn-Bedrock-Output-Token-Count", generation.outputTokens());
        response.headers().set("X-Amzn-Bedrock-Invocation-Latency", latency);
        // recorded before the reply, so a client that reads the admin view after its call sees the attempt
        state.finish(
                refusal.id,
                new Attempt(refusal.attempt, refusal.modelId, "complete", 0, generation.text()),
                refusal.startNanos);
        HttpReplies.send(ctx, request, response);
    }

    /** Answers a Bedrock call with a §3 error and records the attempt's outcome. */
    private final class Refusal {
        final ChannelHandlerContext ctx;
        final FullHttpRequest request;
        final String id;
        final int attempt;
        final String modelId;
        final long startNanos;

        Refusal(
                ChannelHandlerContext ctx,
                FullHttpRequest request,
                String id,
                int attempt,
                String modelId,
                long startNanos) {
            this.ctx = ctx;
            this.request = request;
            this.id = id;
            this.attempt = attempt;
            this.modelId = modelId;
            this.startNanos = startNanos;
        }

        void send(String code, String message, ObjectNode extra) {
            state.finish(id, new Attempt(attempt, modelId, code, 0, null), startNanos);
            sendError(ctx, request, code, message, extra);
        }
    }

    private void sendError(
            ChannelHandlerContext ctx, FullHttpRequest request, String code, String message, ObjectNode extra) {
        BedrockErrors.PreStream error =
                BedrockErrors.preStream(code).orElse(new BedrockErrors.PreStream(code, 400, code));
        ObjectNode body = JSON.createObjectNode().put("message", message != null ? message : error.message());
        if (code.equals("ModelErrorException")) {
            body.put("originalStatusCode", 500);
            body.put("resourceName", "emulated-model");
        } else if (code.equals("ModelStreamErrorException")) {
            body.put("originalStatusCode", 500);
            body.put("originalMessage", "Model returned status 500");
        }
        if (extra != null) {
            body.setAll(extra);
        }
        HttpReplies.sendJson(
                ctx,
                request,
                HttpResponseStatus.valueOf(error.status()),
                code + ":http://internal.amazon.com/coral/com.amazon.bedrock/",
                body);
    }
}
