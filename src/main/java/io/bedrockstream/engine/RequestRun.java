package io.bedrockstream.engine;

import io.bedrockstream.bedrock.ErrorClassifier;
import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ConverseUsage;
import io.bedrockstream.request.ModelRequest;
import io.bedrockstream.request.TokenEstimator;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One submitted request across its attempts. Its monitor guards everything it emits: every listener call for
 * this request happens inside {@code synchronized (this)} after checking {@link #abandoned}, so once
 * {@link #markAbandoned()} returns nothing more is delivered.
 */
final class RequestRun {
    private static final Logger log = LoggerFactory.getLogger(RequestRun.class);
    /** The error type of a request whose max tokens exceed the whole tokens-per-minute quota. */
    static final String EXCEEDS_TOKEN_QUOTA = "ExceedsTokenQuota";

    final StreamEngine engine;
    final ModelRequest request;

    private volatile boolean abandoned;
    // guarded by this
    private boolean done;
    private int attempts;
    /** When the first attempt started: the retry deadline counts from here, not from the time spent queued. */
    private long firstAttemptNanos;
    /** Failed attempts per budget: throttling has its own, so a per-minute quota cannot use up the other. */
    private int throttledFailures;

    private int transientFailures;
    private final List<String> invocationIds = new ArrayList<>(2);
    private AttemptRun current;

    private final AtomicBoolean backoffPending = new AtomicBoolean();
    private volatile ScheduledFuture<?> backoffTimer;

    /** With a tokens-per-minute quota: the input estimate, the max tokens and the output weight; else 0, 0, 1. */
    private final long inputEstimate;

    private final long maxTokens;
    private final boolean maxTokensInBody;
    private final double outputWeight;
    /** The running attempt's token reservation, -1 when it holds none; guarded by the engine's lock. */
    long heldTokens = -1;
    /** When the running attempt was admitted; guarded by the engine's lock (the learned budget's cuts use it). */
    long admittedNanos;
    /** The last failed attempt was refused by the tokens-per-minute quota (set before its slot is given back). */
    volatile boolean tokenThrottled;

    RequestRun(StreamEngine engine, ModelRequest request) {
        this.engine = engine;
        this.request = request;
        if (engine.tokenQuotaOn()) {
            inputEstimate = TokenEstimator.inputTokens(request.body());
            OptionalLong max = TokenEstimator.maxTokens(request);
            maxTokensInBody = max.isPresent();
            maxTokens = max.orElse(engine.settings.quota().defaultMaxTokens());
            outputWeight = engine.settings.quota().outputWeights().weight(request.modelId());
        } else {
            inputEstimate = 0;
            maxTokens = 0;
            maxTokensInBody = false;
            outputWeight = 1;
        }
    }

    /** What an attempt reserves when it starts, as Bedrock does: input (estimated) plus max tokens. */
    long tokenReservation() {
        return engine.settings.quota().reserveAtStart() ? inputEstimate + maxTokens : 0;
    }

    /**
     * The body's own max tokens exceed the whole per-minute quota: Bedrock could never reserve them, so the request
     * fails at once instead of waiting or being throttled until its deadline. (An estimate over the quota only
     * because of its input part, which may be high, is tried alone instead.)
     */
    boolean exceedsTokenQuota() {
        return maxTokensInBody
                && engine.settings.tokensPerMinute() > 0
                && engine.settings.quota().reserveAtStart()
                && maxTokens > engine.tokenQuota();
    }

    /**
     * What an attempt used of the quota: input plus output × weight, from the reported usage, else from the input
     * estimate and the text received (its estimate, as for input).
     */
    long tokensUsed(Long inputTokens, Long outputTokens, CharSequence text) {
        long in = inputTokens != null ? inputTokens : inputEstimate;
        long out = outputTokens != null ? outputTokens : TokenEstimator.textTokens(text);
        return in + (long) Math.ceil(out * outputWeight);
    }

    boolean isAbandoned() {
        return abandoned;
    }

    /** @return false if the request already had its outcome (or was abandoned before) */
    synchronized boolean markAbandoned() {
        if (done || abandoned) {
            return false;
        }
        abandoned = true;
        return true;
    }

    /** Returns once an outcome being delivered (inside this monitor, by the attempt's callback) has been. */
    void awaitDelivery() {
        synchronized (this) {
            // nothing to do: holding the monitor means no listener call of this request is running
        }
    }

    /** After {@link #markAbandoned()}: cancels the running attempt or the pending backoff. */
    void stopAbandoned() {
        AttemptRun attempt;
        synchronized (this) {
            attempt = current;
        }
        if (attempt != null) {
            attempt.cancel(new InvocationFailure(
                    ErrorKind.TRANSIENT, ErrorClassifier.CANCELLED, "the request was abandoned", null, null, null, 0));
        }
        if (backoffPending.compareAndSet(true, false)) {
            ScheduledFuture<?> t = backoffTimer;
            if (t != null) {
                t.cancel(false);
            }
            engine.backoffEnded(this, false);
        }
    }

    /** Called by the engine after it reserved a slot for this request. */
    void startAttempt() {
        AttemptRun attempt;
        synchronized (this) {
            if (abandoned || done) {
                attempt = null;
            } else {
                attempts++;
                if (attempts == 1) {
                    firstAttemptNanos = engine.nanoTime.getAsLong();
                }
                attempt = new AttemptRun(this, attempts, UUID.randomUUID().toString());
                invocationIds.add(attempt.invocationId);
                current = attempt;
            }
        }
        if (attempt == null) {
            engine.attemptEnded(this, false, false, 0);
            return;
        }
        if (exceedsTokenQuota()) {
            attempt.onFailure(new InvocationFailure(
                    ErrorKind.INVALID_REQUEST,
                    EXCEEDS_TOKEN_QUOTA,
                    "the request's max tokens (" + maxTokens + ") exceed rate.tokens.per.minute ("
                            + engine.tokenQuota() + "): Bedrock reserves input plus max tokens when a call starts, so"
                            + " it could never start; lower its max tokens or raise the quota",
                    null,
                    null,
                    null,
                    0));
            return;
        }
        Invoker.InvocationHandle handle;
        long invokeNanos = log.isTraceEnabled() ? System.nanoTime() : 0;
        try {
            handle = engine.invoker.invoke(request, attempt);
            if (invokeNanos != 0) {
                // one clock for every process of a Linux host: see BedrockSinkTask's "latency:" trace
                log.trace(
                        "latency: request {} attempt {} invoke from nanoTime {} to {}",
                        request.requestId(),
                        attempt.attempt,
                        invokeNanos,
                        System.nanoTime());
            }
        } catch (RuntimeException e) {
            attempt.onFailure(new InvocationFailure(
                    ErrorKind.TRANSIENT,
                    ErrorClassifier.CLIENT_ERROR,
                    "could not start the invocation: " + e,
                    null,
                    null,
                    null,
                    0));
            return;
        } catch (Throwable e) {
            // an Error must still end the attempt, or its slot stays taken for good and the request never ends
            attempt.onFailure(failureToStart(e));
            return;
        }
        attempt.started(handle, engine.settings.invocationTimeoutMs());
    }

    /**
     * A class that cannot be loaded or initialised (a jar missing from the plugin's lib/) fails every call alike:
     * a setup problem. Any other Error (out of memory while Netty starts a thread, a stack overflow) may pass,
     * so it is retried; it is logged either way, as nothing else would show where it came from.
     */
    private InvocationFailure failureToStart(Throwable e) {
        log.error("invoke() threw {} for request {}", e.getClass().getName(), request.requestId(), e);
        if (e instanceof LinkageError) {
            return new InvocationFailure(
                    ErrorKind.CONFIGURATION,
                    ErrorClassifier.CLIENT_ERROR,
                    "could not start the invocation: the plugin's installation is broken (" + e + "); install the "
                            + "whole plugin archive, every jar in its lib/, and restart the worker",
                    null,
                    null,
                    null,
                    0);
        }
        return new InvocationFailure(
                ErrorKind.TRANSIENT,
                ErrorClassifier.CLIENT_ERROR,
                "could not start the invocation: " + e,
                null,
                null,
                null,
                0);
    }

    // --- called by AttemptRun inside synchronized (this)

    void emit(OutputEvent event) {
        engine.listener.onEvent(event);
    }

    void emitSafely(OutputEvent event) {
        try {
            engine.listener.onEvent(event);
        } catch (RuntimeException e) {
            log.error("engine listener threw on a terminal event of request {}", request.requestId(), e);
        }
    }

    /**
     * Decides, while the failed attempt's terminal is being built, whether another attempt follows: throttling
     * until {@code retryThrottlingMaxAttempts} throttled attempts (0 = no count), other transient errors until
     * {@code retryMaxAttempts} attempts failed with them, and none past the deadline. Transient credentials
     * failures count against neither: an STS outage lasts as long as it lasts, and a few attempts seconds apart
     * would dead-letter every request of it; the deadline bounds them, as it bounds throttling.
     */
    long retryDelayOrNegative(InvocationFailure failure, int failedAttempt) {
        if (!engine.isRetryable(failure)) {
            return -1;
        }
        if (StreamEngine.isThrottling(failure)) {
            int max = engine.settings.retryThrottlingMaxAttempts();
            if (++throttledFailures >= max && max > 0) {
                return -1;
            }
        } else if (ErrorClassifier.CREDENTIALS_ERROR.equals(failure.errorType())) {
            // the time budget only (see above)
        } else if (++transientFailures >= engine.settings.retryMaxAttempts()) {
            return -1;
        }
        long delayMs = engine.nextBackoffMs(failedAttempt);
        long startAt = engine.nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        long deadline = TimeUnit.MILLISECONDS.toNanos(engine.settings.retryDeadlineMs()); // saturates, never wraps
        return startAt - firstAttemptNanos > deadline ? -1 : delayMs;
    }

    void deliverOutcome(String text, InvocationResult result, InvocationFailure failure) {
        deliverOutcome(text, result, failure, null);
    }

    void deliverOutcome(String text, InvocationResult result, InvocationFailure failure, ConverseAnswer answer) {
        done = true;
        engine.outcomeDelivering(this); // pending() drops before the listener hears of it
        RequestOutcome outcome =
                new RequestOutcome(request, attempts, List.copyOf(invocationIds), text, result, failure, answer);
        try {
            engine.listener.onOutcome(outcome);
        } catch (RuntimeException e) {
            log.error("engine listener threw on the outcome of request {}", request.requestId(), e);
        }
    }

    /**
     * @param fromSlot   the failed attempt's slot passes to the backoff (else it was given back already)
     * @param usedTokens what the failed attempt used of the token quota (its reservation settles to it)
     */
    void beginBackoff(long delayMs, boolean fromSlot, boolean throttled, long usedTokens) {
        backoffPending.set(true);
        engine.backoffStarted(this, fromSlot, throttled, usedTokens);
        try {
            backoffTimer = engine.scheduler.schedule(
                    () -> {
                        if (backoffPending.compareAndSet(true, false)) {
                            engine.backoffEnded(this, !abandoned);
                        }
                    },
                    delayMs,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the engine is closing (close() abandons this request); the backoff never ends by itself
            if (backoffPending.compareAndSet(true, false)) {
                engine.backoffEnded(this, false);
            }
        }
    }

    /**
     * A chunk event: {@code typed} is its ConverseStream delta (null for InvokeModel and for merged chunks),
     * {@code deltas} how many chunks it merges (null: coalescing is off).
     */
    OutputEvent chunkEvent(
            String invocationId, int attempt, long seq, String text, String chunk, ContentDelta typed, Integer deltas) {
        return event(invocationId, attempt, seq, EventType.CHUNK, text, chunk, null, null, null, typed, null, deltas);
    }

    /** An attempt's {@code complete} terminal, after {@code seq} chunks. */
    OutputEvent completeEvent(String invocationId, int attempt, long seq, InvocationResult result) {
        return event(
                invocationId,
                attempt,
                seq,
                EventType.COMPLETE,
                null,
                null,
                result,
                null,
                null,
                null,
                result.converse(),
                null);
    }

    /** An attempt's {@code error} terminal, after {@code seq} chunks; {@code retrying}: another attempt follows. */
    OutputEvent errorEvent(String invocationId, int attempt, long seq, InvocationFailure failure, boolean retrying) {
        return event(
                invocationId, attempt, seq, EventType.ERROR, null, null, null, failure, retrying, null, null, null);
    }

    private OutputEvent event(
            String invocationId,
            int attempt,
            long seq,
            EventType type,
            String text,
            String chunk,
            InvocationResult result,
            InvocationFailure failure,
            Boolean retrying,
            ContentDelta delta,
            ConverseUsage converse,
            Integer deltas) {
        return new OutputEvent(
                request.requestId(),
                invocationId,
                attempt,
                seq,
                type,
                request.modelId(),
                text,
                chunk,
                result == null ? null : result.stopReason(),
                result == null ? null : result.inputTokens(),
                result == null ? null : result.outputTokens(),
                result == null ? null : result.firstByteLatencyMs(),
                result == null ? null : result.invocationLatencyMs(),
                failure == null ? null : failure.errorType(),
                failure == null ? null : failure.message(),
                failure == null ? null : failure.originalStatusCode(),
                failure == null ? null : failure.originalMessage(),
                retrying,
                request.sourceTopic(),
                request.sourcePartition(),
                request.sourceOffset(),
                delta,
                converse,
                deltas);
    }
}
