package io.bedrockstream.emulator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Not a test: how many chunk events per second one SDK client receives from the emulator with zero
 * delay, at 64 streams in flight. Args: [seconds=10] [concurrency=64] [protocol=h2|h1] [words=24].
 */
public final class EmulatorThroughputBenchmark {

    private EmulatorThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Protocol protocol = args.length > 2 && args[2].equals("h1") ? Protocol.HTTP1_1 : Protocol.HTTP2;
        int words = args.length > 3 ? Integer.parseInt(args[3]) : 24;
        try (BedrockEmulator emulator = BedrockEmulator.start(
                        EmulatorOptions.builder().words(words).perChunk(3).build());
                BedrockRuntimeAsyncClient client =
                        SdkHarness.client(emulator.endpoint(), protocol, "AKIDEXAMPLE", "secret", concurrency)) {
            run(client, concurrency, 3);
            emulator.reset();
            AtomicLong[] counts = run(client, concurrency, seconds);
            long chunks = counts[0].get();
            long requests = counts[1].get();
            System.out.printf(
                    "protocol=%s concurrency=%d seconds=%d words=%d requests=%d chunks=%d failures=%d%n",
                    protocol, concurrency, seconds, words, requests, chunks, counts[2].get());
            System.out.printf(
                    "chunk events/s: %.0f   requests/s: %.0f   (emulator maxConcurrency %d)%n",
                    chunks / (double) seconds,
                    requests / (double) seconds,
                    emulator.stats().maxConcurrency());
        }
    }

    /** Keeps {@code concurrency} streams in flight for {@code seconds}; returns chunks, requests, failures. */
    private static AtomicLong[] run(BedrockRuntimeAsyncClient client, int concurrency, int seconds)
            throws InterruptedException {
        AtomicLong chunks = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        Semaphore slots = new Semaphore(concurrency);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(SdkHarness.CLAUDE)
                .contentType("application/json")
                .body(SdkBytes.fromUtf8String(SdkHarness.claudeBody("benchmark prompt")))
                .build();
        while (System.nanoTime() < end) {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            InvokeModelWithResponseStreamResponseHandler handler =
                    InvokeModelWithResponseStreamResponseHandler.builder()
                            .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                                    .onChunk(c -> chunks.incrementAndGet())
                                    .build())
                            .build();
            CompletableFuture<Void> call = client.invokeModelWithResponseStream(request, handler);
            call.whenComplete((v, e) -> {
                if (e == null) {
                    requests.incrementAndGet();
                } else {
                    failures.incrementAndGet();
                }
                slots.release();
            });
        }
        slots.acquire(concurrency);
        return new AtomicLong[] {chunks, requests, failures};
    }
}
