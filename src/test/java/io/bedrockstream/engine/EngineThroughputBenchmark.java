package io.bedrockstream.engine;

import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.request.ModelRequest;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Chunks per second of (a) the bare SDK client and (b) the same client through StreamEngine, against the
 * in-process emulator with zero delay, N streams at a time. Prints both and the ratio. Not a test.
 * Run: {@code mvn -o -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.bedrockstream.engine.EngineThroughputBenchmark}, or java with the test classpath.
 */
public final class EngineThroughputBenchmark {
    private static final int CONCURRENCY = Integer.getInteger("concurrency", 32);
    private static final int STREAMS = Integer.getInteger("streams", 2000);
    private static final String DIRECTIVES = "words=200 per_chunk=1";

    private EngineThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        try (BedrockEmulator emulator =
                        BedrockEmulator.start(EmulatorOptions.builder().build());
                BedrockRuntimeAsyncClient client =
                        EmulatorFixtures.client(emulator, BedrockClientSettings.HttpProtocol.HTTP2)) {
            ModelRequest request = EmulatorFixtures.anthropic("bench", DIRECTIVES, 0);
            // warm both paths up, then measure alternately twice and keep the best of each
            bare(client, request, STREAMS / 4);
            engine(client, request, STREAMS / 4);
            double bare = 0;
            double engine = 0;
            for (int round = 0; round < 2; round++) {
                emulator.reset();
                bare = Math.max(bare, bare(client, request, STREAMS));
                emulator.reset();
                engine = Math.max(engine, engine(client, request, STREAMS));
            }
            System.out.printf("streams=%d concurrency=%d chunks/stream~%s%n", STREAMS, CONCURRENCY, DIRECTIVES);
            System.out.printf("bare SDK:     %,.0f chunks/s%n", bare);
            System.out.printf("StreamEngine: %,.0f chunks/s%n", engine);
            System.out.printf("ratio engine/bare: %.2f (target >= 0.8)%n", engine / bare);
        }
    }

    /** The SDK alone: a visitor counting chunks, N calls kept in flight. */
    public static double bare(BedrockRuntimeAsyncClient client, ModelRequest r, int streams)
            throws InterruptedException {
        AtomicLong chunks = new AtomicLong();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(streams);
        InvokeModelWithResponseStreamRequest sdkRequest = InvokeModelWithResponseStreamRequest.builder()
                .modelId(r.modelId())
                .body(SdkBytes.fromByteArray(r.body()))
                .contentType("application/json")
                .accept("application/json")
                .build();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.incrementAndGet() > streams) {
                return;
            }
            InvokeModelWithResponseStreamResponseHandler handler =
                    InvokeModelWithResponseStreamResponseHandler.builder()
                            .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                                    .onChunk(c -> chunks.incrementAndGet())
                                    .build())
                            .build();
            client.invokeModelWithResponseStream(sdkRequest, handler).whenComplete((v, e) -> {
                done.countDown();
                next[0].run();
            });
        };
        long t0 = System.nanoTime();
        for (int i = 0; i < CONCURRENCY; i++) {
            next[0].run();
        }
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("bare run did not finish");
        }
        return chunks.get() / ((System.nanoTime() - t0) / 1e9);
    }

    /** The same calls submitted all at once to a StreamEngine limited to N in flight. */
    public static double engine(BedrockRuntimeAsyncClient client, ModelRequest r, int streams)
            throws InterruptedException {
        AtomicLong chunks = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(streams);
        EngineListener listener = new EngineListener() {
            @Override
            public void onEvent(OutputEvent event) {
                if (event.event() == EventType.CHUNK) {
                    chunks.incrementAndGet();
                }
            }

            @Override
            public void onOutcome(RequestOutcome outcome) {
                if (!outcome.completed()) {
                    failed.incrementAndGet();
                }
                done.countDown();
            }
        };
        EngineSettings settings =
                EngineSettings.builder().maxInFlight(CONCURRENCY).build();
        try (StreamEngine engine =
                new StreamEngine(settings, new StreamingInvoker(client, ChunkParsers::forFamily, false), listener)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < streams; i++) {
                engine.submit(r);
            }
            if (!done.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("engine run did not finish");
            }
            if (failed.get() > 0) {
                System.out.println("engine run: " + failed.get() + " requests failed");
            }
            return chunks.get() / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
