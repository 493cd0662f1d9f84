package io.bedrockstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.emulator.CallObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a streaming user feels, in steady state with a fixed number of streams in flight (a closed loop: each
 * completed request is replaced by a new one, the first ones spread over one response time), and for a burst of
 * requests at once: the time from the emulator writing a chunk frame to a consumer of
 * the output topic receiving its record, and from a request record being produced to its invocation starting at
 * the emulator. The emulator, the load generator and the reader are in this JVM, so all times are one
 * {@code System.nanoTime()} clock; the broker and the worker are their own processes.
 *
 * <p>The reader uses what the README recommends for the output topic: {@code fetch.min.bytes=1} (the default:
 * the broker answers as soon as a chunk arrives) and {@code fetch.max.wait.ms=100}.
 */
final class LatencyRun {
    /** ttft 200 ms, then 13 frames (8 text deltas of 5 words + 5 framing events) 67 ms apart: ~1.0 s. */
    static final String LATENCY = "words=40 per_chunk=5 ttft_ms=200 delay_ms=67";

    static final double LATENCY_S = (200 + 12 * 67) / 1000.0;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final Bench bench;

    LatencyRun(Bench bench) {
        this.bench = bench;
    }

    /**
     * @param requestToInputReaderMs request record produced → a plain consumer of the input topic (Connect's
     *                               consumer defaults) has it: the part of request-to-invocation Kafka accounts for
     * @param inputReaderToInvocationMs that reader has it → the invocation starts at the emulator, per request:
     *                                  the worker's part (its consumer's poll, put, the engine, the SDK's start)
     */
    record Measured(
            double[] chunkMs,
            double[] firstChunkMs,
            double[] requestToInvocationMs,
            double requestsPerSecond,
            int inFlight,
            long elapsedNanos,
            double[] requestToInputReaderMs,
            double[] inputReaderToInvocationMs,
            double deltasPerSecond,
            double recordsPerSecond,
            Map<String, double[]> workerSplit,
            double[] rampUpToInvocationMs) {}

    private static final java.util.regex.Pattern PUT_TRACE =
            java.util.regex.Pattern.compile("latency: request (\\S+) put at nanoTime (\\d+)");
    private static final java.util.regex.Pattern INVOKE_TRACE =
            java.util.regex.Pattern.compile("latency: request (\\S+) attempt 1 invoke from nanoTime (\\d+) to (\\d+)");

    /**
     * With {@code -Dbench.trace.latency=true} the worker logs, per request, when its task's put() had it and when
     * the engine's invoke() started and returned, in System.nanoTime (one clock for the host's processes): the
     * request-to-invocation time split into Kafka + Connect's poll, the engine's queue, the SDK's start, and the
     * rest (network, the emulator accepting the call). Null without the traces.
     */
    private Map<String, double[]> workerSplit(
            String idPrefix, long[] produced, Map<String, Long> started, int from, int total)
            throws java.io.IOException {
        if (!Boolean.getBoolean("bench.trace.latency")) {
            return null;
        }
        Map<String, Long> put = new java.util.HashMap<>();
        Map<String, long[]> invoke = new java.util.HashMap<>();
        for (var child : bench.local.processes()) {
            if (!child.name().startsWith("connect-worker")) {
                continue;
            }
            try (var lines = java.nio.file.Files.lines(child.log())) {
                lines.filter(l -> l.contains("latency: request " + idPrefix)).forEach(l -> {
                    var m = PUT_TRACE.matcher(l);
                    if (m.find()) {
                        put.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
                    }
                    var i = INVOKE_TRACE.matcher(l);
                    if (i.find()) {
                        invoke.putIfAbsent(
                                i.group(1), new long[] {Long.parseLong(i.group(2)), Long.parseLong(i.group(3))});
                    }
                });
            }
        }
        List<Double> toPut = new ArrayList<>();
        List<Double> queued = new ArrayList<>();
        List<Double> invoking = new ArrayList<>();
        List<Double> toEmulator = new ArrayList<>();
        for (int i = from; i < total; i++) {
            String id = idPrefix + i;
            Long p = put.get(id);
            long[] inv = invoke.get(id);
            Long s = started.get(id);
            if (p == null || inv == null || s == null) {
                continue;
            }
            toPut.add((p - produced[i]) / 1e6);
            queued.add((inv[0] - p) / 1e6);
            invoking.add((inv[1] - inv[0]) / 1e6);
            toEmulator.add((s - inv[1]) / 1e6);
        }
        Map<String, double[]> split = new java.util.LinkedHashMap<>();
        split.put("produced_to_put", sorted(toPut));
        split.put("put_to_invoke", sorted(queued));
        split.put("invoke_call", sorted(invoking));
        split.put("invoke_return_to_emulator", sorted(toEmulator));
        return split;
    }

    /**
     * Records sent at {@code perSecond} for {@code seconds} by a producer with the sink's settings, each carrying
     * its send time, read by a consumer with the reader's settings: the latency Kafka and the machine add alone.
     */
    double[] kafkaAlone(double perSecond, int seconds) throws Exception {
        Pipelines.createTopics(bench, 1, "lat-kafka");
        List<Double> ms = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                        Pipelines.consumer(bench, Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
                KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bench, Pipelines.sinkLikeProducer())) {
            TopicPartition tp = new TopicPartition("lat-kafka", 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            int count = (int) (perSecond * seconds);
            long intervalNanos = (long) (1e9 / Math.max(1, perSecond));
            Thread sender = new Thread(
                    () -> {
                        long next = System.nanoTime();
                        for (int i = 0; i < count; i++) {
                            while (System.nanoTime() < next) {
                                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            }
                            next += intervalNanos;
                            producer.send(new ProducerRecord<>(
                                    "lat-kafka",
                                    java.nio.ByteBuffer.allocate(140)
                                            .putLong(System.nanoTime())
                                            .array()));
                        }
                    },
                    "kafka-latency-producer");
            sender.start();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ms.size() < count && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ms.add((now - java.nio.ByteBuffer.wrap(r.value()).getLong()) / 1e6);
                }
            }
            sender.join();
        }
        return sorted(ms);
    }

    void run() throws Exception {
        System.out.println("latency, 64 streams in flight, ~1 s per response…");
        Pipelines.createTopics(bench, 8, "lat-in", "lat-out");
        bench.rest().putConnectorConfig("bench-lat", Pipelines.sinkConfig(bench, "lat-in", "lat-out"), Bench.START);
        Pipelines.awaitRunning(bench, "bench-lat", 1);
        int inFlight = Pipelines.IN_FLIGHT;
        // warm-up: when the throughput sections were skipped the worker is still JIT-cold, and a cold worker
        // triples the figures (measured: p50 38-47 ms on a latency-only run against 3.6 ms after the others)
        measure("lat-in", "lat-out", "lw", inFlight, 4 * inFlight);
        Measured m = measure("lat-in", "lat-out", "l", inFlight, Bench.QUICK ? 3 * inFlight : 11 * inFlight);
        Measured burst = measure("lat-in", "lat-out", "lb", inFlight, inFlight, false);
        // the first 64 at once, and each completion replaced at once: the run starts phase-locked, requests arriving
        // in bursts while those before them finish, until jitter spreads them (what a producer sending batches meets)
        Measured locked =
                measure("lat-in", "lat-out", "lp", inFlight, Bench.QUICK ? 3 * inFlight : 6 * inFlight, false);
        bench.rest().delete("/connectors/bench-lat");
        double[] kafka = kafkaAlone(m.chunkMs.length * 1e9 / Math.max(1, m.elapsedNanos), 5);
        Bench.Results r = bench.results;
        r.number(
                "chunk_latency_p50_ms",
                percentile(m.chunkMs, 50),
                "<= 5",
                "emulator writes a chunk → output-topic consumer has it (" + m.chunkMs.length + " chunks)");
        r.number("chunk_latency_p99_ms", percentile(m.chunkMs, 99), "<= 25", "");
        r.number("chunk_latency_p999_ms", percentile(m.chunkMs, 99.9), "", "");
        r.number(
                "kafka_alone_latency_p50_ms",
                percentile(kafka, 50),
                "",
                "the same rate of records, producer (sink settings) → this JVM's consumer, no connector: "
                        + "what the machine and the broker alone add");
        r.number("kafka_alone_latency_p99_ms", percentile(kafka, 99), "", "");
        r.number(
                "first_chunk_latency_p50_ms",
                percentile(m.firstChunkMs, 50),
                "",
                "the same for seq 0 only: what the demo's first-chunk column adds to the model's ttft");
        r.number(
                "request_to_invocation_p50_ms",
                percentile(m.requestToInvocationMs, 50),
                "",
                "request record produced → its invocation starts at the emulator");
        r.number("request_to_invocation_p99_ms", percentile(m.requestToInvocationMs, 99), "<= 50", "");
        r.number(
                "burst_request_to_invocation_p50_ms",
                percentile(burst.rampUpToInvocationMs, 50),
                "",
                inFlight + " requests produced at once to an idle task → their invocations start (the steady-state "
                        + "figures above spread the first " + inFlight + " over one response time)");
        r.number("burst_request_to_invocation_max_ms", percentile(burst.rampUpToInvocationMs, 100), "", "");
        r.number(
                "phase_locked_request_to_invocation_p50_ms",
                percentile(locked.requestToInvocationMs, 50),
                "",
                "the first " + inFlight + " at once and each completion replaced at once: requests arrive in bursts"
                        + " while those before them finish, " + inFlight + " at a time at first, until jitter spreads"
                        + " them");
        r.number("phase_locked_request_to_invocation_p99_ms", percentile(locked.requestToInvocationMs, 99), "", "");
        r.number("phase_locked_chunk_latency_p99_ms", percentile(locked.chunkMs, 99), "", "");
        r.number(
                "request_to_input_reader_p50_ms",
                percentile(m.requestToInputReaderMs, 50),
                "",
                "request produced → a plain consumer of the input topic has it (Kafka's part)");
        r.number("request_to_input_reader_p99_ms", percentile(m.requestToInputReaderMs, 99), "", "");
        r.number(
                "input_reader_to_invocation_p50_ms",
                percentile(m.inputReaderToInvocationMs, 50),
                "",
                "that consumer has it → invocation at the emulator (the worker's part: poll, put, engine, SDK)");
        r.number("input_reader_to_invocation_p99_ms", percentile(m.inputReaderToInvocationMs, 99), "", "");
        if (m.workerSplit != null) {
            m.workerSplit.forEach((part, ms) -> {
                r.number(
                        "r2i_" + part + "_p50_ms",
                        percentile(ms, 50),
                        "",
                        "request-to-invocation part (worker traces, " + ms.length + " requests)");
                r.number("r2i_" + part + "_p99_ms", percentile(ms, 99), "", "");
            });
        }
        r.number(
                "latency_bound_requests_per_s",
                m.requestsPerSecond,
                "",
                "64 in flight, ~" + LATENCY_S + " s per response, 1 task");
        r.number(
                "latency_bound_vs_ideal",
                Math.round(m.requestsPerSecond / (inFlight / LATENCY_S) * 100) / 100.0,
                ">= 0.95",
                "÷ the ideal " + String.format("%.1f", inFlight / LATENCY_S) + "/s (64 ÷ response time)");
    }

    /**
     * The coalescing trade-off: for each {@code output.chunk.coalesce.ms}, the zero-delay throughput (deltas/s and
     * records/s, as the sink section) and the latency run's chunk latency (from the emulator writing a record's
     * first delta to the reader having the record), 64 in flight, 1 task.
     */
    void coalesce(Pipelines pipelines) throws Exception {
        System.out.println("coalescing trade-off…");
        Pipelines.createTopics(bench, 8, "co-in", "co-out");
        Pipelines.createTopics(bench, 1, "cot-in", "cot-out");
        int inFlight = Pipelines.IN_FLIGHT;
        var table = bench.results.table("coalesce");
        for (int ms : new int[] {0, 5, 20, 50}) {
            var config = Pipelines.sinkConfig(bench, "cot-in", "cot-out");
            config.put("output.chunk.coalesce.ms", String.valueOf(ms));
            bench.rest().putConnectorConfig("bench-co-tp", config, Bench.START);
            Pipelines.awaitRunning(bench, "bench-co-tp", 1);
            int requests = Bench.QUICK ? 64 : 200;
            pipelines.endToEnd("cot-in", "cot-out", "cw" + ms, requests / 2);
            Pipelines.Run t = pipelines.endToEnd("cot-in", "cot-out", "ct" + ms, requests);
            bench.rest().delete("/connectors/bench-co-tp");

            config = Pipelines.sinkConfig(bench, "co-in", "co-out");
            config.put("output.chunk.coalesce.ms", String.valueOf(ms));
            bench.rest().putConnectorConfig("bench-co", config, Bench.START);
            Pipelines.awaitRunning(bench, "bench-co", 1);
            measure("co-in", "co-out", "cl" + ms + "w", inFlight, 2 * inFlight);
            Measured m = measure("co-in", "co-out", "cl" + ms, inFlight, Bench.QUICK ? 3 * inFlight : 6 * inFlight);
            bench.rest().delete("/connectors/bench-co");

            Map<String, Double> row = new java.util.LinkedHashMap<>();
            row.put("coalesce_ms", (double) ms);
            row.put("throughput_chunks_per_s", (double) Math.round(t.rate()));
            row.put("throughput_records_per_s", (double) Math.round(t.recordsPerSecond()));
            row.put("latency_run_records_per_s", (double) Math.round(m.recordsPerSecond));
            row.put("chunk_latency_p50_ms", percentile(m.chunkMs, 50));
            row.put("chunk_latency_p99_ms", percentile(m.chunkMs, 99));
            table.add(row);
        }
    }

    /** 1 worker / 1 task against 2 workers / 4 tasks, the same 64 in flight per task, latency-bound. */
    void scaleOut() throws Exception {
        System.out.println("scale-out: 1 worker/1 task vs 2 workers/4 tasks…");
        Pipelines.createTopics(bench, 8, "scale-in", "scale-out");
        int perTask = Pipelines.IN_FLIGHT;
        int rounds = Bench.QUICK ? 2 : 6;
        var config = Pipelines.sinkConfig(bench, "scale-in", "scale-out");
        bench.rest().putConnectorConfig("bench-scale", config, Bench.START);
        Pipelines.awaitRunning(bench, "bench-scale", 1);
        measure("scale-in", "scale-out", "a", perTask, perTask);
        Measured one = measure("scale-in", "scale-out", "b", perTask, rounds * perTask);
        bench.results.number(
                "scale_1w1t_requests_per_s", one.requestsPerSecond, "", "1 worker, 1 task, " + perTask + " in flight");
        bench.local.startWorkerFromClasspath("connect-worker-2", Bench.START);
        config.put("tasks.max", "4");
        bench.rest().putConnectorConfig("bench-scale", config, Bench.START);
        Pipelines.awaitRunning(bench, "bench-scale", 4);
        Thread.sleep(3000); // the second worker's rebalance settles
        measure("scale-in", "scale-out", "c", 4 * perTask, 4 * perTask);
        Measured four = measure("scale-in", "scale-out", "d", 4 * perTask, rounds * 4 * perTask);
        bench.results.number(
                "scale_2w4t_requests_per_s",
                four.requestsPerSecond,
                "",
                "2 workers, 4 tasks, " + perTask + " in flight each; ideal "
                        + String.format("%.0f", 4 * perTask / LATENCY_S) + "/s");
        bench.results.number("scale_2w4t_chunk_latency_p99_ms", percentile(four.chunkMs, 99), "", "");
        bench.rest().delete("/connectors/bench-scale");
    }

    /**
     * Keeps {@code inFlight} requests open until {@code total} have completed; the first {@code inFlight} are the
     * ramp-up and are not counted.
     */
    Measured measure(String in, String out, String prefix, int inFlight, int total) throws Exception {
        return measure(in, out, prefix, inFlight, total, true);
    }

    /** @param staggered the first {@code inFlight} requests spread over one response time, or all at once */
    Measured measure(String in, String out, String prefix, int inFlight, int total, boolean staggered)
            throws Exception {
        Map<String, Long> started = new ConcurrentHashMap<>();
        Map<String, long[]> sent = new ConcurrentHashMap<>();
        String idPrefix = prefix + "-";
        bench.emulator.observe(new CallObserver() {
            @Override
            public void started(String id, int attempt, long nanoTime) {
                if (id.startsWith(idPrefix)) {
                    started.putIfAbsent(id, nanoTime);
                }
            }

            @Override
            public void chunkSent(String id, int attempt, int index, long nanoTime) {
                if (attempt == 1 && id.startsWith(idPrefix) && index < 64) {
                    sent.computeIfAbsent(id, k -> new long[64])[index] = nanoTime;
                }
            }
        });
        long[] produced = new long[total];
        long[] inputRead = new long[total];
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicBoolean stopReading = new java.util.concurrent.atomic.AtomicBoolean();
        // a plain consumer of the input topic with Connect's consumer defaults (fetch.min.bytes=1,
        // fetch.max.wait.ms=500), in this JVM: when the request record is readable from Kafka
        Thread inputReader = new Thread(
                () -> {
                    try (KafkaConsumer<byte[], byte[]> c = Pipelines.consumer(bench, Map.of())) {
                        List<TopicPartition> inTps = new ArrayList<>();
                        for (int p = 0; p < 8; p++) {
                            inTps.add(new TopicPartition(in, p));
                        }
                        c.assign(inTps);
                        c.seekToEnd(inTps);
                        inTps.forEach(c::position);
                        synchronized (inputRead) {
                            inputRead.notifyAll();
                            reading.set(false);
                        }
                        while (!stopReading.get()) {
                            var records = c.poll(Duration.ofMillis(50));
                            long now = System.nanoTime();
                            for (ConsumerRecord<byte[], byte[]> r : records) {
                                String id = new String(r.key(), StandardCharsets.UTF_8);
                                if (id.startsWith(idPrefix)) {
                                    inputRead[Integer.parseInt(id.substring(idPrefix.length()))] = now;
                                }
                            }
                        }
                    }
                },
                "bench-input-reader");
        inputReader.setDaemon(true);
        inputReader.start();
        synchronized (inputRead) {
            while (reading.get()) {
                inputRead.wait(100);
            }
        }
        Map<String, Integer> cumulative = new java.util.HashMap<>();
        long recordCount = 0;
        long deltas = 0;
        List<Double> chunkMs = new ArrayList<>();
        List<Double> firstMs = new ArrayList<>();
        int partitions = 8;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        Pipelines.consumer(bench, Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
                KafkaProducer<byte[], byte[]> producer =
                        Pipelines.producer(bench, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(out, p));
            }
            consumer.assign(tps);
            consumer.seekToEnd(tps);
            tps.forEach(consumer::position);
            // the first inFlight requests go out either all at once (a burst) or spread evenly over one response
            // time, which is what a steady state of inFlight open streams looks like: in a closed loop each
            // completion is replaced at once, so a burst at the start stays phase-locked, loosening only slowly,
            // and the requests measure the queue of bursts instead of the steady state
            int rampUp = Math.min(inFlight, total);
            long rampStart = System.nanoTime();
            long rampInterval = staggered ? (long) (LATENCY_S * 1e9 / rampUp) : 0;
            int next = 0;
            int owed = 0;
            int done = 0;
            long tSteady = 0;
            long tEnd = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (done < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("latency run timed out: " + done + " of " + total + " done");
                }
                while (next < rampUp && System.nanoTime() - rampStart >= next * rampInterval) {
                    produce(producer, in, idPrefix + next, produced, next);
                    next++;
                }
                for (; owed > 0 && next >= rampUp && next < total; owed--, next++) {
                    produce(producer, in, idPrefix + next, produced, next);
                }
                var records = consumer.poll(Duration.ofMillis(next < rampUp ? 1 : 100));
                long now = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (!id.startsWith(idPrefix)) {
                        continue;
                    }
                    int index = Integer.parseInt(id.substring(idPrefix.length()));
                    JsonNode v = JSON.readTree(r.value());
                    String event = v.path("event").asText();
                    if (event.equals("chunk")) {
                        long[] s = sent.get(id);
                        // a coalesced record's latency counts from its first delta: the emulator's frame index
                        // is the number of deltas the records before it held
                        int n = Math.max(1, v.path("deltas").asInt(1));
                        int seq = cumulative.getOrDefault(id, 0);
                        cumulative.put(id, seq + n);
                        if (index >= inFlight) {
                            recordCount++;
                            deltas += n;
                        }
                        if (index >= inFlight && s != null && seq < s.length && s[seq] != 0) {
                            double ms = (now - s[seq]) / 1e6;
                            chunkMs.add(ms);
                            if (seq == 0) {
                                firstMs.add(ms);
                            }
                        }
                    } else if (event.equals("complete")) {
                        done++;
                        if (done == inFlight) {
                            tSteady = now;
                        }
                        tEnd = now;
                        if (next >= rampUp && next < total) {
                            produce(producer, in, idPrefix + next, produced, next);
                            next++;
                        } else if (next < rampUp) {
                            owed++; // completed before the ramp-up ended: replaced once it has
                        }
                    } else if (event.equals("error") && !v.path("retrying").asBoolean()) {
                        throw new IllegalStateException("request " + id + " failed: " + v);
                    }
                }
            }
            stopReading.set(true);
            inputReader.join(5000);
            List<Double> rampUpToInvocation = new ArrayList<>();
            for (int i = 0; i < rampUp; i++) {
                Long s = started.get(idPrefix + i);
                if (s != null) {
                    rampUpToInvocation.add((s - produced[i]) / 1e6);
                }
            }
            List<Double> toInvocation = new ArrayList<>();
            List<Double> toInputReader = new ArrayList<>();
            List<Double> inputReaderToInvocation = new ArrayList<>();
            for (int i = inFlight; i < total; i++) {
                Long s = started.get(idPrefix + i);
                if (s != null) {
                    toInvocation.add((s - produced[i]) / 1e6);
                    if (inputRead[i] != 0) {
                        toInputReader.add((inputRead[i] - produced[i]) / 1e6);
                        inputReaderToInvocation.add((s - inputRead[i]) / 1e6);
                    }
                }
            }
            double seconds = (tEnd - tSteady) / 1e9;
            double rate = total > inFlight && tEnd > tSteady ? (total - inFlight) / seconds : 0;
            // records and deltas per request of the counted ones (every record of each), times requests/s: counting
            // only the records that arrive between tSteady and tEnd would leave out what the first replacements
            // wrote before tSteady, ~0.4 of a response each when the first inFlight are spread (0.92 of the true
            // rate at 6 × 64 requests, 0.80 at 3 × 64); with a burst start none of them has started by then
            double perRequest = total > inFlight ? 1.0 / (total - inFlight) : 0;
            return new Measured(
                    sorted(chunkMs),
                    sorted(firstMs),
                    sorted(toInvocation),
                    rate,
                    inFlight,
                    tEnd - tSteady,
                    sorted(toInputReader),
                    sorted(inputReaderToInvocation),
                    deltas * perRequest * rate,
                    recordCount * perRequest * rate,
                    workerSplit(idPrefix, produced, started, inFlight, total),
                    sorted(rampUpToInvocation));
        } finally {
            stopReading.set(true);
            bench.emulator.observe(null);
        }
    }

    private static void produce(
            KafkaProducer<byte[], byte[]> producer, String topic, String id, long[] produced, int index) {
        produced[index] = System.nanoTime();
        producer.send(new ProducerRecord<>(
                topic,
                id.getBytes(StandardCharsets.UTF_8),
                Pipelines.prompt(id, LATENCY).getBytes(StandardCharsets.UTF_8)));
    }

    private static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, i))] * 100) / 100.0;
    }
}
