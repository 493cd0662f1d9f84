package io.bedrockstream.bedrock;

import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ConverseUsage;
import io.bedrockstream.model.ParsedChunk;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlockStartEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.MessageStopEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ReasoningContentBlockDelta;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlockStart;

/**
 * One {@code ConverseStream} call and its state machine; the Converse twin of {@link StreamCall}, with the same
 * rules: whichever end callback comes first decides, exactly one terminal, nothing blocks (Netty threads).
 * Every {@code contentBlockDelta} is one chunk, typed by {@link ContentDelta}; block starts give tool deltas
 * their tool id and name. The call completes only when both {@code messageStop} and {@code metadata} arrived:
 * a dropped connection completes the SDK call normally with a partial stream (TESTING.md).
 */
final class ConverseCall implements ConverseStreamResponseHandler, Subscriber<ConverseStreamOutput> {
    private static final Logger log = LoggerFactory.getLogger(ConverseCall.class);

    private final InvocationListener listener;

    // guarded by this
    private boolean finished;
    private long chunks;
    private final Map<Integer, ToolUseBlockStart> toolStarts = new HashMap<>();
    private MessageStopEvent messageStop;
    private ConverseStreamMetadataEvent metadata;

    private volatile Subscription subscription;
    private volatile CompletableFuture<Void> future;
    private volatile boolean streamStarted;
    private volatile boolean streamEnded;

    ConverseCall(InvocationListener listener) {
        this.listener = listener;
    }

    void attach(CompletableFuture<Void> f) {
        this.future = f;
        f.whenComplete((ignored, error) -> {
            if (error != null) {
                fail(error);
            } else if (!streamStarted || streamEnded) {
                endOfStream();
            }
        });
        if (isFinished()) {
            abortSdkCall();
        }
    }

    @Override
    public void responseReceived(ConverseStreamResponse response) {
        // SDK retries are off: no replay to reset for
    }

    @Override
    public void onEventStream(SdkPublisher<ConverseStreamOutput> publisher) {
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
    public void onNext(ConverseStreamOutput event) {
        try {
            onEvent(event);
        } catch (RuntimeException e) {
            failWith(new InvocationFailure(
                    ErrorKind.TRANSIENT,
                    ErrorClassifier.CLIENT_ERROR,
                    "handling a ConverseStream event failed: " + e,
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

    private void onEvent(ConverseStreamOutput event) {
        synchronized (this) {
            if (finished) {
                return;
            }
            if (event instanceof ContentBlockStartEvent start) {
                if (start.start() != null && start.start().toolUse() != null) {
                    toolStarts.put(start.contentBlockIndex(), start.start().toolUse());
                }
            } else if (event instanceof ContentBlockDeltaEvent delta) {
                ParsedChunk parsed = parse(delta);
                long seq = chunks++;
                listener.onChunk(seq, ConverseJson.toJsonString(delta), parsed);
            } else if (event instanceof MessageStopEvent stop) {
                messageStop = stop;
            } else if (event instanceof ConverseStreamMetadataEvent m) {
                metadata = m;
            }
            // messageStart, contentBlockStop and event types unknown to this SDK carry nothing to keep
        }
    }

    private ParsedChunk parse(ContentBlockDeltaEvent event) {
        int index = event.contentBlockIndex() == null ? 0 : event.contentBlockIndex();
        ContentBlockDelta d = event.delta();
        String text = null;
        String type;
        String toolUseId = null;
        String toolName = null;
        String payload = null;
        if (d == null) {
            type = "unknown";
        } else if (d.text() != null) {
            type = ContentDelta.TEXT;
            text = d.text();
        } else if (d.toolUse() != null) {
            type = ContentDelta.TOOL_USE;
            payload = d.toolUse().input();
            ToolUseBlockStart start = toolStarts.get(index);
            if (start != null) {
                toolUseId = start.toolUseId();
                toolName = start.name();
            }
        } else if (d.reasoningContent() != null) {
            ReasoningContentBlockDelta r = d.reasoningContent();
            if (r.text() != null) {
                type = ContentDelta.REASONING;
                text = r.text();
            } else if (r.signature() != null) {
                type = ContentDelta.REASONING_SIGNATURE;
                payload = r.signature();
            } else {
                type = ContentDelta.REASONING_REDACTED;
                payload = r.redactedContent() == null
                        ? null
                        : java.util.Base64.getEncoder()
                                .encodeToString(r.redactedContent().asByteArrayUnsafe());
            }
        } else if (d.citation() != null) {
            type = ContentDelta.CITATION;
        } else {
            // a delta kind newer than this code: still delivered, raw, under the SDK's name
            type = d.type() == null ? "unknown" : d.type().toString().toLowerCase(java.util.Locale.ROOT);
        }
        return new ParsedChunk(
                text, null, null, null, null, false, new ContentDelta(index, type, toolUseId, toolName, payload));
    }

    private void endOfStream() {
        String missing;
        synchronized (this) {
            if (finished) {
                return;
            }
            if (messageStop != null && metadata != null) {
                InvocationResult result = result();
                finished = true;
                safely(() -> listener.onComplete(result));
                return;
            }
            missing =
                    messageStop == null ? (metadata == null ? "messageStop and metadata" : "messageStop") : "metadata";
        }
        failWith(new InvocationFailure(
                ErrorKind.TRANSIENT,
                ErrorClassifier.STREAM_TRUNCATED,
                "the stream ended after " + chunkCount() + " deltas without its " + missing + " event",
                null,
                null,
                null,
                chunkCount()));
    }

    private InvocationResult result() {
        TokenUsage usage = metadata.usage();
        Long latency = metadata.metrics() == null ? null : metadata.metrics().latencyMs();
        String trace = metadata.trace() == null || metadata.trace().guardrail() == null
                ? null
                : ConverseJson.toJsonString(metadata.trace().guardrail());
        String tier =
                metadata.serviceTier() == null ? null : metadata.serviceTier().typeAsString();
        ConverseUsage converse = new ConverseUsage(
                usage == null ? null : toLong(usage.cacheReadInputTokens()),
                usage == null ? null : toLong(usage.cacheWriteInputTokens()),
                latency,
                tier,
                trace);
        return new InvocationResult(
                messageStop.stopReasonAsString(),
                usage == null ? null : toLong(usage.inputTokens()),
                usage == null ? null : toLong(usage.outputTokens()),
                null,
                latency,
                chunks,
                converse);
    }

    private static Long toLong(Integer i) {
        return i == null ? null : i.longValue();
    }

    void fail(Throwable error) {
        if (isFinished()) {
            return;
        }
        failWith(ErrorClassifier.classify(error, chunkCount()));
    }

    void cancel(InvocationFailure reason) {
        failWith(new InvocationFailure(
                reason.kind(),
                reason.errorType(),
                reason.message(),
                reason.httpStatus(),
                reason.originalStatusCode(),
                reason.originalMessage(),
                chunkCount()));
    }

    void failWith(InvocationFailure failure) {
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
