package io.bedrockstream.engine;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.model.ParsedChunk;
import io.bedrockstream.request.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A test double of our own Invoker seam: for each (request id, attempt) a script says which chunks to send and
 * how to end, played on a worker thread. A null script holds the call open for the test to drive by hand.
 */
final class ScriptedInvoker implements Invoker {

    record Script(List<String> texts, InvocationFailure failure, long delayMs) {
        static Script complete(String... texts) {
            return new Script(List.of(texts), null, 0);
        }

        static Script fail(InvocationFailure f, String... textsBefore) {
            return new Script(List.of(textsBefore), f, 0);
        }

        Script delayed(long ms) {
            return new Script(texts, failure, ms);
        }
    }

    static final class Call {
        final ModelRequest request;
        final int attempt;
        final InvocationListener listener;
        volatile InvocationFailure cancelledWith;

        Call(ModelRequest request, int attempt, InvocationListener listener) {
            this.request = request;
            this.attempt = attempt;
            this.listener = listener;
        }
    }

    static InvocationFailure failure(ErrorKind kind, String type) {
        return new InvocationFailure(kind, type, type + " happened", null, null, null, 0);
    }

    private final BiFunction<ModelRequest, Integer, Script> scripts;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-invoker");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    final List<Call> calls = new ArrayList<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxRunning = new AtomicInteger();

    ScriptedInvoker(BiFunction<ModelRequest, Integer, Script> scripts) {
        this.scripts = scripts;
    }

    @Override
    public InvocationHandle invoke(ModelRequest request, InvocationListener listener) {
        int attempt = attempts.computeIfAbsent(request.requestId(), k -> new AtomicInteger())
                .incrementAndGet();
        Call call = new Call(request, attempt, listener);
        synchronized (calls) {
            calls.add(call);
        }
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        Script script = scripts.apply(request, attempt);
        if (script != null) {
            workers.execute(() -> play(call, script));
        }
        return reason -> {
            call.cancelledWith = reason;
            // like the real invoker: the cancel reason is the terminal unless the call already ended
            if (script == null) {
                running.decrementAndGet();
                listener.onFailure(reason);
            }
        };
    }

    private void play(Call call, Script s) {
        try {
            long seq = 0;
            for (String text : s.texts()) {
                if (s.delayMs() > 0) {
                    TimeUnit.MILLISECONDS.sleep(s.delayMs());
                }
                if (call.cancelledWith != null) {
                    return;
                }
                call.listener.onChunk(seq++, "{\"t\":\"" + text + "\"}", chunk(text, false));
            }
            if (s.delayMs() > 0) {
                TimeUnit.MILLISECONDS.sleep(s.delayMs());
            }
            running.decrementAndGet();
            if (s.failure() != null) {
                call.listener.onFailure(s.failure());
            } else {
                call.listener.onComplete(new InvocationResult(
                        "end_turn",
                        10L,
                        (long) s.texts().size(),
                        5L,
                        9L,
                        s.texts().size()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ParsedChunk chunk(String text, boolean terminal) {
        return new ParsedChunk(text, null, null, null, null, terminal);
    }

    List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
