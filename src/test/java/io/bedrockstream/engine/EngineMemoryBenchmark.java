package io.bedrockstream.engine;

import io.bedrockstream.bedrock.BedrockClientFactory;
import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.bedrock.EmulatorFixtures;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.model.ChunkParsers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * Retained heap per open stream: 1,000 requests in one engine whose streams stay open (the emulator sends one
 * chunk, then waits a long time), heap measured after System.gc before and while they are open. The emulator
 * runs in a child JVM so its own memory is not counted. Run with -Xmx256m. Not a test.
 */
public final class EngineMemoryBenchmark {
    private static final int STREAMS = Integer.getInteger("streams", 1000);
    /**
     * -Dhisto=true: also print the classes whose live bytes grew most while the streams were open (-Dhisto.top=N of
     * them); -Dprotocol=HTTP1_1 measures the HTTP/1.1 client (23.8 KiB against HTTP/2's 24.4 in one run: the same).
     */
    private static final boolean HISTO = Boolean.getBoolean("histo");
    /**
     * -Dbare=true: the same 1,000 calls straight through the SDK client (a visitor counting chunks, no engine): the
     * SDK's and Netty's own share of the figure, with the same client.
     */
    private static final boolean BARE = Boolean.getBoolean("bare");

    private EngineMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        Process emulator = startEmulatorProcess();
        try {
            URI endpoint = readEndpoint(emulator);
            BedrockClientSettings settings = BedrockClientSettings.builder("us-east-1")
                    .endpointOverride(endpoint)
                    .credentials(CredentialsSettings.staticKeys("AKIDTEST", "secret", null))
                    .streamIdleTimeout(Duration.ofMinutes(5))
                    .invocationTimeout(Duration.ofMinutes(10))
                    .maxConnections(STREAMS)
                    .httpProtocol(BedrockClientSettings.HttpProtocol.valueOf(System.getProperty("protocol", "HTTP2")))
                    .build();
            AtomicInteger firstChunks = new AtomicInteger();
            AtomicInteger outcomes = new AtomicInteger();
            EngineListener listener = new EngineListener() {
                @Override
                public void onEvent(OutputEvent event) {
                    if (event.event() == EventType.CHUNK && event.seq() == 0) {
                        firstChunks.incrementAndGet();
                    }
                }

                @Override
                public void onOutcome(RequestOutcome outcome) {
                    outcomes.incrementAndGet();
                }
            };
            if (BARE) {
                try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(settings)) {
                    bare(client);
                }
                return;
            }
            try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(settings);
                    StreamEngine engine = new StreamEngine(
                            EngineSettings.builder()
                                    .maxInFlight(STREAMS)
                                    .invocationTimeoutMs(0)
                                    .build(),
                            new StreamingInvoker(client, ChunkParsers::forFamily, false),
                            listener)) {
                // warm up: connections, SDK, parser classes
                for (int i = 0; i < 20; i++) {
                    engine.submit(EmulatorFixtures.anthropic("warm" + i, "words=4 per_chunk=2", i));
                }
                waitFor(() -> outcomes.get() == 20, "warm-up");
                long before = usedHeapAfterGc();
                java.util.Map<String, Long> histoBefore = HISTO ? histogram() : null;
                for (int i = 0; i < STREAMS; i++) {
                    // one chunk (message_start) soon, then the next only after 10 minutes
                    engine.submit(
                            EmulatorFixtures.anthropic("open" + i, "words=40 per_chunk=1 delay_ms=600000", 1000 + i));
                }
                waitFor(() -> firstChunks.get() >= STREAMS + 20, "all streams open");
                long during = usedHeapAfterGc();
                if (HISTO) {
                    printTopGrowth(histoBefore, histogram());
                }
                System.out.printf(
                        "open streams: %d (engine running=%d, pending=%d)%n",
                        STREAMS, engine.running(), engine.pending());
                requireAllOpen(outcomes.get() - 20);
                report(before, during);
            }
        } finally {
            emulator.destroy();
            emulator.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** No figure when some of the streams had already ended at the measurement: it would not be per open stream. */
    private static void requireAllOpen(int ended) {
        if (ended != 0) {
            throw new IllegalStateException(ended + " of the " + STREAMS + " streams ended before the measurement");
        }
    }

    private static void report(long before, long during) {
        System.out.printf("heap before: %,d KiB, with streams open: %,d KiB%n", before / 1024, during / 1024);
        System.out.printf(
                java.util.Locale.ROOT,
                "retained heap per open stream: %.1f KiB (%s)%n",
                (during - before) / 1024.0 / STREAMS,
                BARE ? "the SDK alone, no engine" : "target <= 16");
    }

    /** The same warm-up and open streams as the engine's, each call made on the client directly. */
    private static void bare(BedrockRuntimeAsyncClient client) throws Exception {
        AtomicInteger chunks = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        // the calls' futures are not kept: a list of them would be heap of this benchmark's own in the figure (and
        // cancelling the whenComplete stage would not cancel the call anyway); closing the client ends the calls
        java.util.function.Consumer<io.bedrockstream.request.ModelRequest> call =
                r -> client.invokeModelWithResponseStream(
                                InvokeModelWithResponseStreamRequest.builder()
                                        .modelId(r.modelId())
                                        .body(SdkBytes.fromByteArray(r.body()))
                                        .contentType("application/json")
                                        .accept("application/json")
                                        .build(),
                                InvokeModelWithResponseStreamResponseHandler.builder()
                                        .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                                                .onChunk(c -> chunks.incrementAndGet())
                                                .build())
                                        .build())
                        .whenComplete((v, e) -> ended.incrementAndGet());
        for (int i = 0; i < 20; i++) {
            call.accept(EmulatorFixtures.anthropic("warm" + i, "words=4 per_chunk=2", i));
        }
        waitFor(() -> ended.get() == 20, "warm-up");
        int warmChunks = chunks.get();
        long before = usedHeapAfterGc();
        java.util.Map<String, Long> histoBefore = HISTO ? histogram() : null;
        for (int i = 0; i < STREAMS; i++) {
            call.accept(EmulatorFixtures.anthropic("open" + i, "words=40 per_chunk=1 delay_ms=600000", 1000 + i));
        }
        waitFor(() -> chunks.get() >= warmChunks + STREAMS, "all streams open");
        long during = usedHeapAfterGc();
        if (HISTO) {
            printTopGrowth(histoBefore, histogram());
        }
        System.out.printf("open streams: %d (SDK calls not ended: %d)%n", STREAMS, STREAMS + 20 - ended.get());
        requireAllOpen(ended.get() - 20);
        report(before, during);
    }

    private static Process startEmulatorProcess() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.bedrockstream.emulator.BedrockEmulator",
                        "--port",
                        "0",
                        "--access-key-id",
                        "AKIDTEST",
                        "--secret-access-key",
                        "secret")
                .redirectErrorStream(true)
                .start();
    }

    private static URI readEndpoint(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            int i = line.indexOf("http://");
            if (i >= 0) {
                String uri = line.substring(i).split("\\s")[0];
                Thread drain = new Thread(
                        () -> {
                            try {
                                while (r.readLine() != null) {
                                    // keep the pipe from filling
                                }
                            } catch (Exception ignored) {
                                // process ended
                            }
                        },
                        "emulator-output");
                drain.setDaemon(true);
                drain.start();
                return URI.create(uri);
            }
        }
        throw new IllegalStateException("the emulator printed no endpoint");
    }

    /** Live bytes per class (GC.class_histogram, which collects first). */
    private static java.util.Map<String, Long> histogram() throws Exception {
        javax.management.ObjectName name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
        String text = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(name, "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
            }
        }
        return bytes;
    }

    private static void printTopGrowth(java.util.Map<String, Long> before, java.util.Map<String, Long> during) {
        System.out.println("live bytes per open stream by class (largest first):");
        during.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(Integer.getInteger("histo.top", 15))
                .forEach(e -> System.out.printf("  %8.1f B  %s%n", e.getValue() / (double) STREAMS, e.getKey()));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    private static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
