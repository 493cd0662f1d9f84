package io.bedrockstream.bedrock;

import io.bedrockstream.model.ChunkParser;
import io.bedrockstream.model.InvocationMetrics;
import io.bedrockstream.model.MalformedChunkException;
import io.bedrockstream.model.ParsedChunk;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.PayloadPart;
import software.amazon.awssdk.services.bedrockruntime.model.ResponseStream;

/**
 * One streaming call and its state machine. The SDK may report the end of a call through several callbacks
 * (the subscriber's onComplete/onError, {@code exceptionOccurred}, {@code complete}, the future); whichever comes
 * first decides, and the listener sees exactly one terminal. Three SDK quirks are handled here
 * (BEDROCK.md §6): a stream can end "normally" without its terminal chunk (silent truncation), so success
 * requires a terminal chunk; exceptions thrown while handling a chunk would be swallowed by the SDK, so they
 * are caught and fail the call; and nothing here blocks, because it all runs on Netty's threads.
 */
final class StreamCall implements InvokeModelWithResponseStreamResponseHandler, Subscriber<ResponseStream> {
    private static final Logger log = LoggerFactory.getLogger(StreamCall.class);

    private final ChunkParser parser;
    private final InvocationListener listener;

    // guarded by this: finished, the counters and the listener calls (so calls never overlap)
    private boolean finished;
    private long chunks;
    private boolean terminalSeen;
    private String stopReason;
    private Long inputTokens;
    private Long outputTokens;
    private InvocationMetrics metrics;

    private volatile Subscription subscription;
    private volatile CompletableFuture<Void> future;
    private volatile boolean streamStarted;
    private volatile boolean streamEnded;

    StreamCall(ChunkParser parser, InvocationListener listener) {
        this.parser = parser;
        this.listener = listener;
    }

    void attach(CompletableFuture<Void> f) {
        this.future = f;
        f.whenComplete((ignored, error) -> {
            if (error != null) {
                fail(error);
            } else if (!streamStarted || streamEnded) {
                // no event stream at all, or the subscriber already saw its end: decide now
                endOfStream();
            }
            // else the subscriber's own onComplete/onError will decide (it may still be draining)
        });
        if (isFinished()) {
            abortSdkCall();
        }
    }

    // --- EventStreamResponseHandler

    @Override
    public void responseReceived(InvokeModelWithResponseStreamResponse response) {
        // SDK retries are off, so there is no replay to reset for
    }

    @Override
    public void onEventStream(SdkPublisher<ResponseStream> publisher) {
        streamStarted = true;
        publisher.subscribe(this);
    }

    @Override
    public void exceptionOccurred(Throwable throwable) {
        fail(throwable);
    }

    @Override
    public void complete() {
        // the subscriber's onComplete and the future decide
    }

    // --- Subscriber

    @Override
    public void onSubscribe(Subscription s) {
        this.subscription = s;
        if (isFinished()) {
            s.cancel();
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ResponseStream event) {
        if (!(event instanceof PayloadPart part)) {
            return; // unknown event types: the SDK passes them on, the stream continues
        }
        try {
            onChunk(part);
        } catch (MalformedChunkException e) {
            failWith(new InvocationFailure(
                    ErrorKind.TRANSIENT,
                    ErrorClassifier.MALFORMED_CHUNK,
                    e.getMessage(),
                    null,
                    null,
                    null,
                    chunkCount()));
        } catch (RuntimeException e) {
            failWith(new InvocationFailure(
                    ErrorKind.TRANSIENT,
                    ErrorClassifier.CLIENT_ERROR,
                    "handling a chunk failed: " + e,
                    null,
                    null,
                    null,
                    chunkCount()));
        }
    }

    @Override
    public void onError(Throwable t) {
        streamEnded = true;
        fail(t);
    }

    @Override
    public void onComplete() {
        streamEnded = true;
        endOfStream();
    }

    // --- state machine

    private void onChunk(PayloadPart part) {
        byte[] bytes = part.bytes() == null ? new byte[0] : part.bytes().asByteArrayUnsafe();
        ParsedChunk parsed = parser.parse(bytes);
        String raw = new String(bytes, StandardCharsets.UTF_8);
        synchronized (this) {
            if (finished) {
                return;
            }
            if (terminalSeen) {
                // chunks after the terminal one are still delivered: the stream decides where it ends
                log.debug("chunk after the terminal chunk");
            }
            remember(parsed);
            long seq = chunks++;
            listener.onChunk(seq, raw, parsed);
        }
    }

    private void remember(ParsedChunk p) {
        if (p.terminal()) {
            terminalSeen = true;
        }
        if (p.stopReason() != null) {
            stopReason = p.stopReason();
        }
        if (p.inputTokens() != null) {
            inputTokens = p.inputTokens();
        }
        if (p.outputTokens() != null) {
            outputTokens = p.outputTokens();
        }
        if (p.metrics() != null) {
            metrics = p.metrics();
        }
    }

    private void endOfStream() {
        InvocationResult result;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (!terminalSeen) {
                result = null;
            } else {
                Long in =
                        metrics != null && metrics.inputTokenCount() != null ? metrics.inputTokenCount() : inputTokens;
                Long out = metrics != null && metrics.outputTokenCount() != null
                        ? metrics.outputTokenCount()
                        : outputTokens;
                result = new InvocationResult(
                        stopReason,
                        in,
                        out,
                        metrics == null ? null : metrics.firstByteLatencyMs(),
                        metrics == null ? null : metrics.invocationLatencyMs(),
                        chunks);
                finished = true;
                safely(() -> listener.onComplete(result));
                return;
            }
        }
        failWith(new InvocationFailure(
                ErrorKind.TRANSIENT,
                ErrorClassifier.STREAM_TRUNCATED,
                "the stream ended after " + chunkCount() + " chunks without the model's final chunk",
                null,
                null,
                null,
                chunkCount()));
    }

    void fail(Throwable error) {
        if (isFinished()) {
            return;
        }
        failWith(ErrorClassifier.classify(error, chunkCount()));
    }

    /** The handle's cancel: delivers the given reason (once) and stops the SDK call. */
    void cancel(InvocationFailure reason) {
        InvocationFailure withCount = new InvocationFailure(
                reason.kind(),
                reason.errorType(),
                reason.message(),
                reason.httpStatus(),
                reason.originalStatusCode(),
                reason.originalMessage(),
                chunkCount());
        failWith(withCount);
    }

    private void failWith(InvocationFailure failure) {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            safely(() -> listener.onFailure(failure));
        }
        abortSdkCall();
    }

    private void abortSdkCall() {
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        CompletableFuture<Void> f = future;
        if (f != null && !f.isDone()) {
            f.cancel(true);
        }
    }

    private synchronized boolean isFinished() {
        return finished;
    }

    private synchronized long chunkCount() {
        return chunks;
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("invocation listener threw on its terminal event", e);
        }
    }
}
