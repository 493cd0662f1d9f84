package io.bedrockstream.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.bedrock.BedrockClientFactory;
import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import io.bedrockstream.emulator.EmulatorStats;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.model.PromptBodies;
import io.bedrockstream.model.PromptSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink connector end to end against its ceiling, in one run: a real KRaft broker and Connect worker, the
 * Bedrock emulator in-process, the real AWS SDK. Not a test. Prints
 * <ol>
 *   <li>chunks/s the bare SDK client receives (same emulator, zero delay, N streams at a time) against chunks/s
 *   end to end (first request produced to the last {@code complete} terminal readable on the output topic),
 *   alternated twice after a warm-up, best of each kept;</li>
 *   <li>requests/s with ~1 s responses and {@code max.in.flight.requests=64}, against the ideal 64/s and against
 *   the bare SDK making the same calls 64 at a time.</li>
 * </ol>
 * Every path shares the machine's cores with the broker and the emulator, so the CPU each run used is printed too.
 * Run: {@code mvn -q -B -o test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.bedrockstream.connect.SinkThroughputBenchmark}. System properties (pass with -D):
 * {@code inflight} (64), {@code requests} (400), {@code latRequests} (640), {@code latPartitions} (8),
 * {@code raw} (output.chunk.raw, true), {@code flushMs} (worker offset.flush.interval.ms, 500 as in the ITs;
 * Connect's default is 60000), {@code sink.<key>} (any connector setting, e.g.
 * {@code -Dsink.consumer.override.max.poll.records=100}), {@code skipLatency} / {@code skipThroughput}.
 */
public final class SinkThroughputBenchmark {
    private static final String MODEL = SinkHarness.CLAUDE;
    private static final String THROUGHPUT = "words=200 per_chunk=1";
    /** ttft 200 ms, then 13 frames (8 text deltas + 5 framing events) 67 ms apart: ~1.0 s per response. */
    private static final String LATENCY = "words=40 per_chunk=5 ttft_ms=200 delay_ms=67";
    private static final double LATENCY_S = (200 + 12 * 67) / 1000.0;

    private static final int IN_FLIGHT = Integer.getInteger("inflight", 64);
    private static final int REQUESTS = Integer.getInteger("requests", 400);
    private static final int LAT_REQUESTS = Integer.getInteger("latRequests", 640);
    private static final int LAT_PARTITIONS = Integer.getInteger("latPartitions", 8);
    private static final String RAW = System.getProperty("raw", "true");
    private static final String FLUSH_MS = System.getProperty("flushMs", "500");
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CHUNK_EVENT = "\"event\":\"chunk\"".getBytes(StandardCharsets.UTF_8);

    private final SinkHarness harness;
    private final BedrockEmulator emulator;
    private final EmbeddedConnectCluster connect;

    private SinkThroughputBenchmark(SinkHarness harness) {
        this.harness = harness;
        this.emulator = harness.emulator;
        this.connect = harness.connect;
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        List<String> report = new ArrayList<>();
        try (SinkHarness harness = new SinkHarness("sink-bench", EmulatorOptions.builder().logCalls(false),
                Long.parseLong(FLUSH_MS))) {
            SinkThroughputBenchmark b = new SinkThroughputBenchmark(harness);
            if (!Boolean.getBoolean("skipThroughput")) {
                b.throughput(report);
            }
            if (!Boolean.getBoolean("skipLatency")) {
                b.latency(report);
            }
        }
        System.out.println();
        System.out.println("==== SinkThroughputBenchmark (" + Runtime.getRuntime().availableProcessors() + " cpus, "
                + String.format("%.0f s", (System.nanoTime() - started) / 1e9) + " total) ====");
        report.forEach(System.out::println);
    }

    // ---- 1. chunks/s: bare SDK vs end to end

    private void throughput(List<String> report) throws Exception {
        Map<String, String> config = sinkConfig("tp-in", "tp-out");
        connect.kafka().createTopic("tp-in", 1);
        connect.kafka().createTopic("tp-out", 1);
        start("bench-tp", config);

        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(clientSettings())) {
            // warm-up: enough for the JIT to settle on both paths (a first round is otherwise ~2x slower)
            bare(client, REQUESTS, THROUGHPUT);
            endToEnd("tp-in", "tp-out", "w", REQUESTS / 2, 1, THROUGHPUT);
            report.add(String.format("1. Throughput, emulator zero delay, %s, %d requests, %d in flight, "
                    + "output.chunk.raw=%s, offset.flush.interval.ms=%s", THROUGHPUT, REQUESTS, IN_FLIGHT, RAW, FLUSH_MS));
            // the box is shared: alternate the two paths and keep the best of each
            double bestBare = 0;
            double bestE2e = 0;
            for (int round = 1; round <= 2; round++) {
                emulator.reset();
                Rate bare = bare(client, REQUESTS, THROUGHPUT);
                EmulatorStats bareStats = emulator.stats();
                emulator.reset();
                Rate e2e = endToEnd("tp-in", "tp-out", "t" + round, REQUESTS, 1, THROUGHPUT);
                EmulatorStats e2eStats = emulator.stats();
                bestBare = Math.max(bestBare, bare.perSecond());
                bestE2e = Math.max(bestE2e, e2e.perSecond());
                report.add(String.format("   round %d bare SDK:   %,7.0f chunks/s (%,d chunks, %d per request, in %.2f s; "
                                + "emulator maxConcurrency %d; %.1f cores busy, %.0f us CPU per chunk)", round,
                        bare.perSecond(), bare.chunks, bare.chunks / REQUESTS, bare.seconds, bareStats.maxConcurrency(),
                        bare.cores(), 1e6 * bare.cpuSeconds / bare.chunks));
                report.add(String.format("   round %d end to end: %,7.0f chunks/s (%,d chunk records of %d bytes in %.2f s; "
                                + "emulator maxConcurrency %d, calls %d; first output after %.2f s; "
                                + "%.1f cores busy, %.0f us CPU per chunk)", round, e2e.perSecond(), e2e.chunks,
                        e2e.chunkBytes / Math.max(e2e.chunks, 1), e2e.seconds, e2eStats.maxConcurrency(),
                        e2eStats.calls(), e2e.firstOutputSeconds, e2e.cores(), 1e6 * e2e.cpuSeconds / e2e.chunks));
            }
            report.add(String.format("   best bare %,.0f chunks/s, best end to end %,.0f chunks/s: ratio %.2f "
                    + "(target >= 0.7)", bestBare, bestE2e, bestE2e / bestBare));
        }
        Rate kafka = kafkaAlone("tp-out", REQUESTS * 205);
        report.add(String.format("   for scale, Kafka alone in this process (idempotent acks=all producer, default batching, "
                        + "%,d records of %d bytes written then read back): %,.0f records/s, %.0f us CPU per record",
                kafka.chunks, kafka.chunkBytes / kafka.chunks, kafka.perSecond(), 1e6 * kafka.cpuSeconds / kafka.chunks));
        connect.deleteConnector("bench-tp");
    }

    /** The SDK alone: a visitor counting chunk events, {@code IN_FLIGHT} calls kept open. */
    private Rate bare(BedrockRuntimeAsyncClient client, int streams, String directives) throws InterruptedException {
        AtomicLong chunks = new AtomicLong();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(streams);
        byte[] body = body("bare", directives);
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(MODEL).body(SdkBytes.fromByteArray(body)).contentType("application/json")
                .accept("application/json").build();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.incrementAndGet() > streams) {
                return;
            }
            InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler
                    .builder().subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                            .onChunk(c -> chunks.incrementAndGet()).build())
                    .build();
            client.invokeModelWithResponseStream(request, handler).whenComplete((v, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                done.countDown();
                next[0].run();
            });
        };
        double cpu0 = cpuSeconds();
        long t0 = System.nanoTime();
        for (int i = 0; i < IN_FLIGHT; i++) {
            next[0].run();
        }
        if (!done.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("bare run did not finish");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " bare calls failed");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Rate(chunks.get(), streams, seconds, 0, cpuSeconds() - cpu0, 0);
    }

    // ---- 2. requests/s with ~1 s responses

    private void latency(List<String> report) throws Exception {
        Map<String, String> config = sinkConfig("lat-in", "lat-out");
        connect.kafka().createTopic("lat-in", LAT_PARTITIONS);
        connect.kafka().createTopic("lat-out", 1);
        start("bench-lat", config);
        endToEnd("lat-in", "lat-out", "lw", IN_FLIGHT, LAT_PARTITIONS, LATENCY); // warm-up
        // the same calls through the bare SDK: what the client itself loses between one response and the next
        Rate bare;
        try (BedrockRuntimeAsyncClient client = BedrockClientFactory.create(clientSettings())) {
            bare(client, IN_FLIGHT, LATENCY);
            emulator.reset();
            bare = bare(client, LAT_REQUESTS, LATENCY);
        }
        int bareMax = emulator.stats().maxConcurrency();
        emulator.reset();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        List<Integer> samples = new ArrayList<>();
        sampler.scheduleAtFixedRate(() -> {
            synchronized (samples) {
                samples.add(emulator.stats().currentConcurrency());
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        Rate r;
        try {
            r = endToEnd("lat-in", "lat-out", "l", LAT_REQUESTS, LAT_PARTITIONS, LATENCY);
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        EmulatorStats stats = emulator.stats();
        double perSecond = r.requests / r.seconds;
        double mean;
        String profile;
        synchronized (samples) {
            // drop the tail sampled after the last stream ended
            int last = samples.size();
            while (last > 0 && samples.get(last - 1) == 0) {
                last--;
            }
            List<Integer> busy = samples.subList(0, last);
            mean = busy.stream().mapToInt(Integer::intValue).average().orElse(0);
            StringBuilder bySecond = new StringBuilder();
            for (int i = 0; i < busy.size() && i < 4 * 60; i += 4) {
                List<Integer> second = busy.subList(i, Math.min(i + 4, busy.size()));
                bySecond.append(i == 0 ? "" : " ").append(Math.round(
                        second.stream().mapToInt(Integer::intValue).average().orElse(0)));
            }
            profile = bySecond.toString();
        }
        report.add(String.format("2. Latency-bound, %s (~%.2f s per response), %d requests on %d partitions, "
                        + "1 task, max.in.flight.requests=%d, offset.flush.interval.ms=%s", LATENCY, LATENCY_S,
                LAT_REQUESTS, LAT_PARTITIONS, IN_FLIGHT, FLUSH_MS));
        report.add(String.format("   end to end: %.1f requests/s (%d requests in %.2f s; first output after %.2f s)",
                perSecond, r.requests, r.seconds, r.firstOutputSeconds));
        report.add(String.format("   ideal %d/s (%.1f/s with the %.2f s response time); ratio %.2f vs 64/s, "
                        + "%.2f vs latency-adjusted (target >= 0.9)", IN_FLIGHT, IN_FLIGHT / LATENCY_S, LATENCY_S,
                perSecond / IN_FLIGHT, perSecond / (IN_FLIGHT / LATENCY_S)));
        report.add(String.format("   emulator maxConcurrency %d, calls %d, mean open streams %.1f (sampled every 250 ms)",
                stats.maxConcurrency(), stats.calls(), mean));
        double barePerSecond = bare.requests / bare.seconds;
        report.add(String.format("   bare SDK, same calls %d at a time: %.1f requests/s (%.2f s; emulator maxConcurrency %d); "
                        + "end to end / bare %.2f", IN_FLIGHT, barePerSecond, bare.seconds, bareMax,
                perSecond / barePerSecond));
        report.add("   open streams, mean of each second: " + profile);
        connect.deleteConnector("bench-lat");
    }

    // ---- shared

    /** What one run moved, how long it took and how much CPU this whole process (every path in it) used. */
    private record Rate(long chunks, int requests, double seconds, double firstOutputSeconds, double cpuSeconds,
                        long chunkBytes) {
        double perSecond() {
            return chunks / seconds;
        }

        /** Cores busy on average: near the core count means the run was CPU-bound. */
        double cores() {
            return cpuSeconds / seconds;
        }
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * Produces {@code count} requests with ids {@code prefix-i} spread over the partitions, and reads the output
     * topic until every one has its {@code complete} terminal. Time runs from the first send to that read.
     */
    private Rate endToEnd(String in, String out, String prefix, int count, int partitions, String directives)
            throws Exception {
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put("max.poll.records", 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(consumerProps);
             KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(
                     Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            TopicPartition tp = new TopicPartition(out, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp); // resolve the end now, before anything is produced
            Set<String> ids = new HashSet<>();
            double cpu0 = cpuSeconds();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(in, i % partitions, id.getBytes(StandardCharsets.UTF_8),
                        ("Tell me a story. [[emu id=" + id + " " + directives + "]]").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            long chunks = 0;
            long chunkBytes = 0;
            long firstOutput = 0;
            Set<String> complete = new HashSet<>();
            long deadline = t0 + WAIT.toNanos();
            while (!complete.containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out: " + complete.size() + " of " + count
                            + " requests complete on " + out);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    if (firstOutput == 0) {
                        firstOutput = System.nanoTime();
                    }
                    // a byte search keeps the reader's own cost small; only terminals are parsed
                    if (contains(r.value(), CHUNK_EVENT)) {
                        chunks++;
                        chunkBytes += r.serializedKeySize() + r.serializedValueSize();
                        continue;
                    }
                    JsonNode n = JSON.readTree(r.value());
                    if (!"complete".equals(n.path("event").asText())) {
                        throw new IllegalStateException("unexpected output: " + n);
                    }
                    complete.add(n.path("request_id").asText());
                }
            }
            long t1 = System.nanoTime();
            return new Rate(chunks, count, (t1 - t0) / 1e9, (firstOutput - t0) / 1e9, cpuSeconds() - cpu0,
                    chunkBytes);
        }
    }

    /**
     * The broker's share: copies of one chunk record from {@code sample} written with the sink's producer settings
     * to a fresh topic and read back by the same reader, with no sink and no model in the way.
     */
    private Rate kafkaAlone(String sample, int count) throws Exception {
        ConsumerRecord<byte[], byte[]> chunk = null;
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(Map.of())) {
            TopicPartition tp = new TopicPartition(sample, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.seek(tp, Math.max(0, consumer.position(tp) - 100));
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(10))) {
                if (chunk == null && contains(r.value(), CHUNK_EVENT)) {
                    chunk = r;
                }
            }
        }
        if (chunk == null) {
            throw new IllegalStateException("no chunk record among the last 100 of " + sample);
        }
        byte[] key = chunk.key();
        byte[] value = chunk.value();
        connect.kafka().createTopic("kafka-alone", 1);
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        Map<String, Object> consumerProps = new HashMap<>();
        consumerProps.put("max.poll.records", 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(consumerProps);
             KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(producerProps)) {
            TopicPartition tp = new TopicPartition("kafka-alone", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            double cpu0 = cpuSeconds();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>("kafka-alone", key, value));
            }
            long read = 0;
            long bytes = 0;
            long deadline = t0 + WAIT.toNanos();
            while (read < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    read += contains(r.value(), CHUNK_EVENT) ? 1 : 0;
                    bytes += r.serializedKeySize() + r.serializedValueSize();
                }
            }
            return new Rate(read, 0, (System.nanoTime() - t0) / 1e9, 0, cpuSeconds() - cpu0, bytes);
        }
    }

    private Map<String, String> sinkConfig(String in, String out) {
        Map<String, String> c = harness.sinkConfig(in, out, "bench-dlq");
        // the tests' error handling (tolerate all into a DLQ, short retry backoff) is not what is measured
        c.keySet().removeIf(k -> k.startsWith("errors.") || k.startsWith("retry.backoff."));
        c.put("output.chunk.raw", RAW);
        c.put("max.in.flight.requests", String.valueOf(IN_FLIGHT));
        // -Dsink.<key>=<value> adds or overrides any connector setting, e.g. -Dsink.output.producer.linger.ms=20
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("sink."))
                .forEach(k -> c.put(k.substring("sink.".length()), System.getProperty(k)));
        return c;
    }

    /** Waits for the task quietly (Connect's assertion logs an error while the status is not there yet). */
    private void start(String name, Map<String, String> config) throws InterruptedException {
        connect.configureConnector(name, config);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var status = connect.connectorStatus(name);
                if (status.tasks().size() == 1 && "RUNNING".equals(status.tasks().get(0).state())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // no status until the connector is first assigned
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("connector " + name + " did not start");
    }

    private static boolean contains(byte[] value, byte[] part) {
        outer:
        for (int i = 0; i <= value.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (value[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The sink's client settings (retries off, one connection per in-flight stream), for the bare path. */
    private BedrockClientSettings clientSettings() {
        return BedrockClientSettings.builder("us-east-1").endpointOverride(emulator.endpoint())
                .credentials(CredentialsSettings.staticKeys(SinkHarness.ACCESS_KEY, SinkHarness.SECRET_KEY, null))
                .maxConnections(IN_FLIGHT).build();
    }

    /** The body prompt mode builds from the record value, with the sink's default max tokens. */
    private static byte[] body(String id, String directives) {
        return PromptBodies.build(ModelFamily.ANTHROPIC, new PromptSpec("Tell me a story. [[emu id=" + id + " "
                + directives + "]]", null, 512, null, null, null));
    }
}
