package io.bedrockstream.engine;

import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.ErrorClassifier;
import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.model.ContentDelta;
import io.bedrockstream.model.ParsedChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One invocation of a request: numbers its chunks itself (so seq is contiguous whatever the invoker does),
 * ends with exactly one terminal event, and gives its slot back exactly once.
 *
 * <p>With coalescing on ({@link EngineSettings#coalescing()}), consecutive chunks are held and emitted as one
 * event (its {@code deltas} says how many it holds, its text is theirs joined, its raw chunk is the one raw chunk
 * or a JSON array of them) when the first held chunk is {@code coalesceMs} old (a timer on the engine's
 * scheduler), when the held text reaches {@code coalesceMaxChars}, or before the terminal. seq then numbers
 * events, so it stays contiguous and the terminal's seq is the number of chunk events.
 */
final class AttemptRun implements InvocationListener {
    private final RequestRun run;
    final int attempt;
    final String invocationId;

    // guarded by run's monitor
    private boolean finished;
    private long chunks;
    private final StringBuilder text = new StringBuilder();
    private final ConverseAnswer.Builder answer = new ConverseAnswer.Builder();
    // coalescing: chunks received and not yet emitted
    private int held;
    private StringBuilder heldText;
    private List<String> heldRaw;
    private ScheduledFuture<?> flushTimer;
    private RuntimeException listenerFailure;

    private final AtomicBoolean slotHeld = new AtomicBoolean(true);
    private volatile Invoker.InvocationHandle handle;
    private volatile ScheduledFuture<?> timeout;

    AttemptRun(RequestRun run, int attempt, String invocationId) {
        this.run = run;
        this.attempt = attempt;
        this.invocationId = invocationId;
    }

    void started(Invoker.InvocationHandle h, long timeoutMs) {
        this.handle = h;
        boolean over;
        synchronized (run) {
            over = finished;
        }
        if (run.isAbandoned() && !over) {
            h.cancel(cancelReason());
            return;
        }
        if (timeoutMs > 0 && !over) {
            try {
                timeout = run.engine.scheduler.schedule(this::timedOut, timeoutMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return; // the engine is closing; close() abandons this request
            }
            synchronized (run) {
                over = finished;
            }
            if (over) {
                cancelTimeout();
            }
        }
    }

    private static InvocationFailure cancelReason() {
        return new InvocationFailure(
                ErrorKind.TRANSIENT, ErrorClassifier.CANCELLED, "the request was abandoned", null, null, null, 0);
    }

    private void timedOut() {
        InvocationFailure f = new InvocationFailure(
                ErrorKind.TRANSIENT,
                ErrorClassifier.INVOCATION_TIMEOUT,
                "the invocation took longer than " + BedrockClientSettings.INVOCATION_TIMEOUT_KEY,
                null,
                null,
                null,
                0);
        Invoker.InvocationHandle h = handle;
        if (h != null) {
            h.cancel(f);
        }
        onFailure(f); // in case the invoker does not report the cancel; a second terminal is ignored
    }

    /** Abandon: stop the SDK call and give the slot back now; the invoker's late callbacks are ignored. */
    void cancel(InvocationFailure reason) {
        Invoker.InvocationHandle h = handle;
        if (h != null) {
            h.cancel(reason);
        }
        cancelTimeout();
        releaseSlot(false, false, usedSoFar());
    }

    /** An attempt that ends without usage (failed, cancelled) used its input and what it generated so far. */
    private long usedSoFar() {
        synchronized (run) {
            return run.tokensUsed(null, null, text);
        }
    }

    @Override
    public void onChunk(long seq, String rawChunkJson, ParsedChunk chunk) {
        synchronized (run) {
            if (finished || run.isAbandoned()) {
                return;
            }
            String delta = chunk == null ? null : chunk.text();
            ContentDelta typed = chunk == null ? null : chunk.delta();
            // only InvokeModel chunks are coalesced: a Converse delta goes out as its own record, after what is
            // held, so that its block index and delta type stay with it
            if (run.engine.settings.coalescing() && typed == null) {
                hold(delta, rawChunkJson);
                return;
            }
            if (held > 0) {
                flushHeld();
            }
            // a listener exception propagates (the invoker fails this invocation with it) before the chunk
            // counts, so the terminal's seq stays contiguous with what the listener accepted
            run.emit(run.chunkEvent(invocationId, attempt, chunks, delta, rawChunkJson, typed, null));
            chunks++;
            if (typed != null && !typed.isAnswerText()) {
                answer.add(typed, delta); // reasoning, tool input, …: not part of the answer's text
            } else if (delta != null) {
                text.append(delta);
            }
        }
    }

    /** Caller holds run's monitor. */
    private void hold(String delta, String raw) {
        held++;
        if (delta != null) {
            if (heldText == null) {
                heldText = new StringBuilder();
            }
            heldText.append(delta);
            text.append(delta);
        }
        if (raw != null) {
            if (heldRaw == null) {
                heldRaw = new ArrayList<>(4);
            }
            heldRaw.add(raw);
        }
        int maxChars = run.engine.settings.coalesceMaxChars();
        if (maxChars > 0 && heldText != null && heldText.length() >= maxChars) {
            flushHeld(); // a listener exception propagates to the invoker, as for an uncoalesced chunk
        } else if (held == 1) {
            try {
                flushTimer = run.engine.scheduler.schedule(
                        this::flushOnTimer, run.engine.settings.coalesceMs(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the engine is closing; close() abandons this request
            }
        }
    }

    /** Emits what is held as one chunk event. Caller holds run's monitor. */
    private void flushHeld() {
        if (held == 0) {
            return;
        }
        String t = heldText == null ? null : heldText.toString();
        String raw =
                heldRaw == null ? null : heldRaw.size() == 1 ? heldRaw.get(0) : "[" + String.join(",", heldRaw) + "]";
        int n = held;
        dropHeld();
        run.emit(run.chunkEvent(invocationId, attempt, chunks, t, raw, null, n));
        chunks++;
    }

    private void flushOnTimer() {
        synchronized (run) {
            if (finished || run.isAbandoned()) {
                return;
            }
            try {
                flushHeld();
                return;
            } catch (RuntimeException e) {
                // as when the listener throws on a chunk: the invocation fails with it, outside the lock
                listenerFailure = e;
            }
        }
        failOnListener(listenerFailure);
    }

    private void failOnListener(RuntimeException e) {
        InvocationFailure f = new InvocationFailure(
                ErrorKind.TRANSIENT,
                ErrorClassifier.CLIENT_ERROR,
                "handling a chunk failed: " + e,
                null,
                null,
                null,
                chunks);
        Invoker.InvocationHandle h = handle;
        if (h != null) {
            h.cancel(f);
        }
        onFailure(f);
    }

    @Override
    public void onComplete(InvocationResult result) {
        boolean delivered = false;
        synchronized (run) {
            if (finished) {
                return;
            }
            if (!run.isAbandoned() && held > 0) {
                try {
                    flushHeld();
                } catch (RuntimeException e) {
                    listenerFailure = e;
                }
            }
            if (listenerFailure == null) {
                finished = true;
                if (!run.isAbandoned()) {
                    run.emitSafely(run.completeEvent(invocationId, attempt, chunks, result));
                    run.deliverOutcome(text.toString(), result, null, answer.build());
                    delivered = true;
                }
            }
        }
        if (listenerFailure != null) {
            failOnListener(listenerFailure); // the held chunks could not be written: fail as a chunk would
            return;
        }
        cancelTimeout();
        long used;
        synchronized (run) {
            used = run.tokensUsed(result.inputTokens(), result.outputTokens(), text);
        }
        releaseSlot(false, true, used);
        if (delivered) {
            run.engine.requestFinished(run);
        }
    }

    @Override
    public void onFailure(InvocationFailure failure) {
        boolean delivered = false;
        long used;
        synchronized (run) {
            if (finished) {
                return;
            }
            run.tokenThrottled = StreamEngine.isTokenThrottle(failure);
            // Bedrock answers a throttled call before reserving anything; any other failed call had its input
            // counted, and what it generated before it failed (emitted, or still held by coalescing)
            used = StreamEngine.isThrottling(failure) && chunks == 0 && held == 0
                    ? 0
                    : run.tokensUsed(null, null, text);
            if (!run.isAbandoned() && held > 0) {
                try {
                    flushHeld(); // held chunks go out before the terminal, as they would have uncoalesced
                } catch (RuntimeException e) {
                    dropHeld(); // the invocation is failing anyway
                }
            }
            dropHeld();
            finished = true;
            if (!run.isAbandoned()) {
                InvocationFailure f = withChunks(failure, chunks);
                long delayMs = run.retryDelayOrNegative(f, attempt);
                boolean retrying = delayMs >= 0;
                if (retrying) {
                    // before the event, so inFlight() already counts the backoff; the attempt's slot becomes the
                    // backoff's in one step, so it is never counted twice (releaseSlot below is then a no-op)
                    run.beginBackoff(delayMs, slotHeld.compareAndSet(true, false), StreamEngine.isThrottling(f), used);
                }
                run.emitSafely(run.errorEvent(invocationId, attempt, chunks, f, retrying));
                if (!retrying) {
                    run.deliverOutcome(null, null, f);
                    delivered = true;
                }
            }
        }
        cancelTimeout();
        releaseSlot(StreamEngine.isThrottling(failure), false, used);
        if (delivered) {
            run.engine.requestFinished(run);
        }
    }

    /** Forgets what is held and its flush timer. Caller holds run's monitor. */
    private void dropHeld() {
        held = 0;
        heldText = null;
        heldRaw = null;
        ScheduledFuture<?> timer = flushTimer;
        flushTimer = null;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static InvocationFailure withChunks(InvocationFailure f, long chunks) {
        if (f.chunksReceived() == chunks) {
            return f;
        }
        return new InvocationFailure(
                f.kind(),
                f.errorType(),
                f.message(),
                f.httpStatus(),
                f.originalStatusCode(),
                f.originalMessage(),
                chunks);
    }

    private void releaseSlot(boolean throttled, boolean completed, long usedTokens) {
        if (slotHeld.compareAndSet(true, false)) {
            run.engine.attemptEnded(run, throttled, completed, usedTokens);
        }
    }

    private void cancelTimeout() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
    }
}
