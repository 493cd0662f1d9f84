package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One streaming response: writes each chunk frame when it is due, on the channel's event loop, and
 * injects the requested mid-stream fault. Never blocks the event loop.
 */
final class StreamingCall {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A mid-stream fault: its type, the chunk count before it, and stall/status parameters. */
    record Fault(String type, int afterChunks, long stallMs, int originalStatus) {}

    private final EmulatorState state;
    private final Channel channel;
    private final String id;
    private final int attempt;
    private final String modelId;
    private final Generation generation;
    private final List<ObjectNode> chunks;
    /** ConverseStream: each element of chunks is {@code {"<event type>": payload}}, sent as its own event. */
    private final boolean converse;

    private final long ttftMs;
    private final long delayMs;
    private Fault fault;
    private final TokenQuota.Reservation tokens;
    private final long startNanos = System.nanoTime();
    private long firstByteMs = -1;
    private int sent;
    private boolean finished;
    private boolean keepAlive = true;
    private final ChannelFutureListener onClientGone = f -> finish("cancelled");

    StreamingCall(
            EmulatorState state,
            Channel channel,
            String id,
            int attempt,
            String modelId,
            Generation generation,
            List<ObjectNode> chunks,
            long ttftMs,
            long delayMs,
            Fault fault,
            TokenQuota.Reservation tokens) {
        this(state, channel, id, attempt, modelId, generation, chunks, ttftMs, delayMs, fault, tokens, false);
    }

    StreamingCall(
            EmulatorState state,
            Channel channel,
            String id,
            int attempt,
            String modelId,
            Generation generation,
            List<ObjectNode> chunks,
            long ttftMs,
            long delayMs,
            Fault fault,
            TokenQuota.Reservation tokens,
            boolean converse) {
        this.converse = converse;
        this.tokens = tokens;
        this.state = state;
        this.channel = channel;
        this.id = id;
        this.attempt = attempt;
        this.modelId = modelId;
        this.generation = generation;
        this.chunks = chunks;
        this.ttftMs = ttftMs;
        this.delayMs = delayMs;
        this.fault = fault == null
                ? null
                : new Fault(
                        fault.type(),
                        Math.min(Math.max(0, fault.afterChunks()), chunks.size()),
                        fault.stallMs(),
                        fault.originalStatus());
    }

    /** Sends the 200 headers and starts the chunk schedule. The caller has reserved a stream slot. */
    void start(HttpResponse headers, boolean keepAlive) {
        this.keepAlive = keepAlive;
        channel.closeFuture().addListener(onClientGone);
        channel.writeAndFlush(headers).addListener(failureCancels());
        state.observer.started(id, attempt, System.nanoTime());
        after(ttftMs, this::step);
    }

    private void step() {
        if (finished) {
            return;
        }
        if (fault != null && sent == fault.afterChunks()) {
            Fault f = fault;
            fault = null;
            if (injectFault(f)) {
                return;
            }
        }
        if (sent < chunks.size()) {
            write(frame(sent));
            state.observer.chunkSent(id, attempt, sent, System.nanoTime());
            sent++;
        }
        if (sent >= chunks.size() && fault == null) {
            endStream("complete");
        } else {
            after(delayMs, this::step);
        }
    }

    /** Returns true when the fault ended the stream; a stall resumes the schedule later. */
    private boolean injectFault(Fault f) {
        switch (f.type()) {
            case "stall" -> {
                after(f.stallMs(), this::step);
                return true;
            }
            case "error" -> {
                finish("error"); // recorded before the client can see the frame
                write(EventStreamEncoder.errorFrame("InternalFailure", "An internal error occurred."));
                endStream("error");
            }
            case "corrupt" -> {
                byte[] frame = frame(Math.min(sent, chunks.size() - 1));
                frame[frame.length - 1] ^= 0x5A;
                finish("corrupt");
                write(frame);
                endStream("corrupt");
            }
            case "close" -> {
                byte[] frame = frame(Math.min(sent, chunks.size() - 1));
                finish("close");
                write(java.util.Arrays.copyOf(frame, frame.length / 2));
                if (channel instanceof Http2StreamChannel) {
                    channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                } else {
                    channel.close();
                }
            }
            default -> {
                ObjectNode payload = JSON.createObjectNode()
                        .put("message", BedrockErrors.midStreamMessage(f.type()).orElse("error"));
                if (f.type().equals("modelStreamErrorException")) {
                    payload.put("originalStatusCode", f.originalStatus());
                    payload.put("originalMessage", "Model returned status " + f.originalStatus());
                }
                finish(f.type());
                write(EventStreamEncoder.exceptionFrame(f.type(), bytes(payload)));
                endStream(f.type());
            }
        }
        return true;
    }

    private byte[] frame(int index) {
        if (!converse) {
            return EventStreamEncoder.chunkFrame(chunkPayload(index));
        }
        ObjectNode event = chunks.get(index);
        String type = ConverseScript.type(event);
        ObjectNode payload = ((ObjectNode) event.get(type)).deepCopy();
        if (firstByteMs < 0) {
            firstByteMs = elapsedMs();
        }
        if (type.equals("metadata")) {
            payload.with("metrics").put("latencyMs", elapsedMs());
        }
        payload.put("p", generation.padding());
        return EventStreamEncoder.eventFrame(type, bytes(payload));
    }

    private byte[] chunkPayload(int index) {
        ObjectNode chunk = chunks.get(index);
        if (index == chunks.size() - 1) {
            long now = elapsedMs();
            chunk = chunk.deepCopy();
            chunk.putObject("amazon-bedrock-invocationMetrics")
                    .put("inputTokenCount", generation.inputTokens)
                    .put("outputTokenCount", generation.outputTokens())
                    .put("invocationLatency", now)
                    .put("firstByteLatency", firstByteMs < 0 ? now : firstByteMs);
        }
        if (firstByteMs < 0) {
            firstByteMs = elapsedMs();
        }
        ObjectNode outer = JSON.createObjectNode();
        outer.put("bytes", Base64.getEncoder().encodeToString(bytes(chunk)));
        outer.put("p", generation.padding());
        return bytes(outer);
    }

    private void write(byte[] frame) {
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)))
                .addListener(failureCancels());
    }

    private void endStream(String outcome) {
        finish(outcome);
        var last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void finish(String outcome) {
        if (finished) {
            return;
        }
        finished = true;
        channel.closeFuture().removeListener(onClientGone);
        state.recorder.closeStream();
        // what it generated stays spent; the rest of its max tokens goes back to the quota
        long generated = outcome.equals("complete")
                ? generation.outputTokens()
                : (long) generation.outputTokens() * sent / Math.max(1, chunks.size());
        tokens.end(generated);
        state.finish(id, new Attempt(attempt, modelId, outcome, sent, generation.text()), startNanos);
    }

    private ChannelFutureListener failureCancels() {
        return f -> {
            if (!f.isSuccess()) {
                finish("cancelled");
                f.channel().close();
            }
        };
    }

    private void after(long delayMs, Runnable task) {
        if (delayMs <= 0) {
            channel.eventLoop().execute(task);
        } else {
            channel.eventLoop().schedule(task, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
