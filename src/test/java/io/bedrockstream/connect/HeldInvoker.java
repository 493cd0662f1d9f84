package io.bedrockstream.connect;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.model.ParsedChunk;
import io.bedrockstream.request.ModelRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test double of our own Invoker seam for task unit tests: every invocation stays open until the test ends
 * it, on the test's thread, with the chunks it chooses. Cancelled invocations end with their cancel reason, as
 * the real invoker's do.
 */
final class HeldInvoker implements Invoker {

    static final class Call {
        final ModelRequest request;
        final InvocationListener listener;
        private boolean ended;

        Call(ModelRequest request, InvocationListener listener) {
            this.request = request;
            this.listener = listener;
        }

        /** Streams the given chunk texts and completes. */
        void complete(String... texts) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            long seq = 0;
            for (String t : texts) {
                listener.onChunk(seq++, "{\"t\":\"" + t + "\"}", new ParsedChunk(t, null, null, null, null, false));
            }
            listener.onComplete(new InvocationResult("end_turn", 3L, (long) texts.length, 5L, 9L, texts.length));
        }

        void fail(ErrorKind kind, String type) {
            fail(kind, type, type + " happened");
        }

        void fail(ErrorKind kind, String type, String message) {
            synchronized (this) {
                if (ended) {
                    return;
                }
                ended = true;
            }
            listener.onFailure(new InvocationFailure(kind, type, message, null, null, null, 0));
        }

        synchronized boolean ended() {
            return ended;
        }

        String requestId() {
            return request.requestId();
        }
    }

    private final List<Call> calls = new ArrayList<>();
    volatile boolean closed;
    /** Each warm-up asked for: "api model thread". */
    final List<String> warmUps = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Set: each warm-up waits for it (up to its timeout), as a dry run waiting for credentials does. */
    volatile java.util.concurrent.CountDownLatch warmUpGate;
    /** The threads warm-ups ran on. */
    final List<Thread> warmUpThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean warmUp(io.bedrockstream.request.BedrockApi api, String modelId, java.time.Duration timeout) {
        warmUpThreads.add(Thread.currentThread());
        warmUps.add(
                api.configName() + " " + modelId + " " + Thread.currentThread().getName());
        java.util.concurrent.CountDownLatch gate = warmUpGate;
        if (gate != null) {
            try {
                // as StreamingInvoker.warmUp: an interrupt ends it, flag kept
                return gate.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
        Call call = new Call(request, listener);
        synchronized (calls) {
            calls.add(call);
            calls.notifyAll();
        }
        return reason -> {
            synchronized (call) {
                if (call.ended) {
                    return;
                }
                call.ended = true;
            }
            listener.onFailure(reason);
        };
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** Calls not ended yet, oldest first. */
    List<Call> open() {
        return calls().stream().filter(c -> !c.ended()).toList();
    }

    /** Waits until {@code n} calls matching {@code which} are open (invocations start on engine threads). */
    List<Call> awaitOpen(int n, Predicate<Call> which, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (calls) {
            while (true) {
                List<Call> open =
                        calls.stream().filter(c -> !c.ended() && which.test(c)).toList();
                if (open.size() >= n) {
                    return open;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(
                            "expected " + n + " open calls, have " + open.size() + " of " + calls.size());
                }
                calls.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    static InvocationFailure failure(ErrorKind kind, String type) {
        return new InvocationFailure(kind, type, type + " happened", null, null, null, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
