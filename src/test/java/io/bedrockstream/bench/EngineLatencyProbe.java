package io.bedrockstream.bench;

import io.bedrockstream.bedrock.BedrockClientFactory;
import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.CallObserver;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.engine.EngineListener;
import io.bedrockstream.engine.EngineSettings;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.engine.StreamEngine;
import io.bedrockstream.model.ChunkParsers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;

/**
 * Request-to-invocation without Kafka: a StreamEngine (64 in flight, closed loop, ~1 s responses as the latency
 * section) against the in-process emulator, submit → the emulator has the call, alternated in one run so every
 * variant sees the same machine load: the SDK's connection pool sized at the in-flight limit and with headroom
 * (one start thread, as the engine had then), and with headroom and the engine's default start threads.
 * {@code mvn -q -o test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.bedrockstream.bench.EngineLatencyProbe}
 */
public final class EngineLatencyProbe {
    public static void main(String[] args) throws Exception {
        int inFlight = 64;
        int total = Integer.getInteger("total", 8 * inFlight);
        // {SDK pool, engine start threads}
        int[][] variants = {{inFlight, 1}, {2 * inFlight, 1}, {2 * inFlight, StreamEngine.START_THREADS}};
        try (BedrockEmulator emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .host("127.0.0.1")
                .port(0)
                .credentials("AKIDTEST", "secret")
                .logCalls(false)
                .build())) {
            for (int round = 0; round < 3; round++) {
                for (int[] variant : variants) {
                    int pool = variant[0];
                    int threads = variant[1];
                    Map<String, double[]> parts = run(
                            emulator,
                            pool,
                            threads,
                            inFlight,
                            round == 0 ? 2 * inFlight : total,
                            "r" + round + "p" + pool + "t" + threads);
                    if (round > 0) {
                        StringBuilder line =
                                new StringBuilder(String.format("pool %3d, start threads %d:", pool, threads));
                        parts.forEach((name, ms) -> line.append(String.format(
                                "  %s p50 %.2f p99 %.2f ms",
                                name, LatencyRun.percentile(ms, 50), LatencyRun.percentile(ms, 99))));
                        System.out.println(line);
                    }
                }
            }
        }
        System.exit(0);
    }

    static Map<String, double[]> run(
            BedrockEmulator emulator, int pool, int startThreads, int inFlight, int total, String prefix)
            throws Exception {
        Map<String, Long> submitted = new ConcurrentHashMap<>();
        Map<String, long[]> invoked = new ConcurrentHashMap<>();
        Map<String, Long> started = new ConcurrentHashMap<>();
        emulator.observe(new CallObserver() {
            @Override
            public void started(String id, int attempt, long nanoTime) {
                started.putIfAbsent(id, nanoTime);
            }
        });
        CountDownLatch done = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        StreamEngine[] engine = new StreamEngine[1];
        Runnable submitNext = () -> {
            int i = next.getAndIncrement();
            if (i < total) {
                String id = prefix + "-" + i;
                submitted.put(id, System.nanoTime());
                engine[0].submit(EmulatorFixtures.anthropic(id, LatencyRun.LATENCY, i));
            }
        };
        EngineListener listener = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {}

            @Override
            public void onOutcome(RequestOutcome outcome) {
                done.countDown();
                submitNext.run();
            }
        };
        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(
                        EmulatorFixtures.settings(emulator).maxConnections(pool).build());
                StreamEngine e = new StreamEngine(
                        EngineSettings.builder().maxInFlight(inFlight).build(),
                        timed(new StreamingInvoker(client, ChunkParsers::forFamily, false), invoked),
                        listener,
                        startThreads)) {
            engine[0] = e;
            for (int i = 0; i < inFlight; i++) {
                submitNext.run();
            }
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("probe did not finish");
            }
        } finally {
            emulator.observe(null);
        }
        List<Double> total0 = new ArrayList<>();
        List<Double> queued = new ArrayList<>();
        List<Double> call = new ArrayList<>();
        List<Double> after = new ArrayList<>();
        for (int i = inFlight; i < total; i++) { // the first inFlight are the ramp-up
            String id = prefix + "-" + i;
            Long s = started.get(id);
            Long t = submitted.get(id);
            long[] inv = invoked.get(id);
            if (s != null && t != null && inv != null) {
                total0.add((s - t) / 1e6);
                queued.add((inv[0] - t) / 1e6);
                call.add((inv[1] - inv[0]) / 1e6);
                after.add((s - inv[1]) / 1e6);
            }
        }
        Map<String, double[]> parts = new java.util.LinkedHashMap<>();
        parts.put("submit→emulator", sorted(total0));
        parts.put("engine queue", sorted(queued));
        parts.put("invoke()", sorted(call));
        parts.put("invoke return→emulator", sorted(after));
        return parts;
    }

    private static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** Records when invoke() was called and when it returned, per request id. */
    private static io.bedrockstream.bedrock.Invoker timed(
            io.bedrockstream.bedrock.Invoker invoker, Map<String, long[]> invoked) {
        return new io.bedrockstream.bedrock.Invoker() {
            @Override
            public InvocationHandle invoke(
                    io.bedrockstream.request.ModelRequest request,
                    io.bedrockstream.bedrock.InvocationListener listener) {
                long t0 = System.nanoTime();
                InvocationHandle h = invoker.invoke(request, listener);
                invoked.putIfAbsent(request.requestId(), new long[] {t0, System.nanoTime()});
                return h;
            }

            @Override
            public void close() {
                invoker.close();
            }
        };
    }
}
