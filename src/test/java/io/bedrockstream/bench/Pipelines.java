package io.bedrockstream.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Throughput through Kafka: the broker alone, the sink end to end, the source end to end. */
final class Pipelines {
    static final String THROUGHPUT = "words=200 per_chunk=1";
    static final int IN_FLIGHT = 64;
    private static final byte[] CHUNK_EVENT = "\"event\":\"chunk\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] COMPLETE_EVENT = "\"event\":\"complete\"".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofMinutes(3);

    private final Bench bench;

    Pipelines(Bench bench) {
        this.bench = bench;
    }

    // ---- Kafka alone

    /**
     * A producer with the sink's output-producer settings and a consumer, in this JVM, moving records of the
     * connector's chunk-record size through the broker process: what Kafka alone allows on this machine.
     */
    void kafkaAlone() throws Exception {
        System.out.println("Kafka alone…");
        int bytes = ChunkRecordBytes.atDefaults();
        byte[] key = "order-000042".getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[Math.max(1, bytes - key.length)];
        Arrays.fill(value, (byte) 'x');
        createTopics(bench, 1, "kafka-alone");
        int count = Bench.QUICK ? 50_000 : 400_000;
        long best = 0;
        for (int round = 0; round < 2; round++) { // the first warms the JIT up
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bench, Map.of());
                    KafkaProducer<byte[], byte[]> producer = producer(bench, sinkLikeProducer())) {
                TopicPartition tp = new TopicPartition("kafka-alone", 0);
                consumer.assign(List.of(tp));
                consumer.seekToEnd(List.of(tp));
                consumer.position(tp);
                AtomicLong failed = new AtomicLong();
                Thread sender = new Thread(
                        () -> {
                            for (int i = 0; i < count; i++) {
                                producer.send(new ProducerRecord<>("kafka-alone", 0, key, value), (m, e) -> {
                                    if (e != null) {
                                        failed.incrementAndGet();
                                    }
                                });
                            }
                            producer.flush();
                        },
                        "kafka-alone-producer");
                long t0 = System.nanoTime();
                sender.start();
                long received = 0;
                long deadline = t0 + WAIT.toNanos();
                while (received < count && System.nanoTime() < deadline) {
                    received += consumer.poll(Duration.ofMillis(50)).count();
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                sender.join();
                if (received < count || failed.get() > 0) {
                    throw new IllegalStateException("Kafka alone: " + received + " of " + count + " received, "
                            + failed.get() + " sends failed");
                }
                best = Math.max(best, Math.round(count / seconds));
            }
        }
        bench.results.number(
                "kafka_alone_records_per_s",
                best,
                "",
                bytes + "-byte records, producer→broker→consumer, the sink producer's settings, best of 2");
    }

    // ---- sink and source end to end

    void sinkThroughput() throws Exception {
        System.out.println("sink end to end…");
        createTopics(bench, 1, "tp-in", "tp-out");
        Map<String, String> config = sinkConfig(bench, "tp-in", "tp-out");
        bench.rest().putConnectorConfig("bench-sink-tp", config, Bench.START);
        awaitRunning(bench, "bench-sink-tp", 1);
        Run run = bestOfTwo("tp-in", "tp-out", "s");
        bench.rest().delete("/connectors/bench-sink-tp");
        bench.results.number(
                "sink_chunks_per_s",
                run.rate,
                "",
                "sink connector end to end, zero delay, " + THROUGHPUT + ", " + IN_FLIGHT + " in flight, defaults");
        cpu("sink", run);
    }

    void sourceThroughput() throws Exception {
        System.out.println("source end to end…");
        createTopics(bench, 1, "src-in", "src-out");
        Map<String, String> config = sourceConfig(bench, "src-in", "src-out");
        bench.rest().putConnectorConfig("bench-source-tp", config, Bench.START);
        awaitRunning(bench, "bench-source-tp", 1);
        Run run = bestOfTwo("src-in", "src-out", "o");
        bench.rest().delete("/connectors/bench-source-tp");
        bench.results.number(
                "source_chunks_per_s",
                run.rate,
                "",
                "source connector end to end, same load, " + "value.converter=LeanJsonConverter");
        cpu("source", run);
    }

    /** One end-to-end run: chunks/s and the CPU each process used meanwhile. */
    record Run(double rate, long chunks, CpuSample cpu, double recordsPerSecond) {}

    /** CPU µs per chunk over all processes, and each process's share, of the best run. */
    private void cpu(String section, Run run) {
        if (run.cpu.seconds().isEmpty() || run.chunks == 0) {
            return;
        }
        bench.results.number(
                section + "_cpu_us_per_chunk",
                run.cpu.total() / run.chunks * 1e6,
                "",
                "CPU µs per chunk, all processes (/proc stat)");
        StringBuilder split = new StringBuilder();
        run.cpu
                .seconds()
                .forEach((name, s) -> split.append(split.length() == 0 ? "" : ", ")
                        .append(name)
                        .append(String.format(java.util.Locale.ROOT, " %.1f µs", s / run.chunks * 1e6)));
        bench.results.note(section + " CPU per chunk by process", split.toString());
    }

    /** A warm-up, then two measured runs; the best is kept (the machine is shared). */
    private Run bestOfTwo(String in, String out, String prefix) throws Exception {
        int requests = Bench.QUICK ? 64 : 300;
        endToEnd(in, out, prefix + "w", requests / 2);
        Run best = null;
        for (int round = 0; round < 2; round++) {
            Run run = endToEnd(in, out, prefix + round, requests);
            if (best == null || run.rate > best.rate) {
                best = run;
            }
        }
        return best;
    }

    /** Produces {@code count} requests and reads the output until each has its complete terminal: chunks/s. */
    Run endToEnd(String in, String out, String prefix, int count) throws Exception {
        CpuSample before = CpuSample.of(bench.pids());
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bench, Map.of());
                KafkaProducer<byte[], byte[]> producer = producer(bench, Map.of(ProducerConfig.LINGER_MS_CONFIG, 5))) {
            TopicPartition tp = new TopicPartition(out, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            Set<String> ids = new HashSet<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String id = prefix + "-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(
                        in,
                        id.getBytes(StandardCharsets.UTF_8),
                        prompt(id, THROUGHPUT).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
            long chunks = 0;
            long records = 0;
            Set<String> complete = new HashSet<>();
            long deadline = t0 + WAIT.toNanos();
            while (!complete.containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "timed out: " + complete.size() + " of " + count + " requests complete on " + out);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    if (contains(r.value(), CHUNK_EVENT)) {
                        chunks += deltas(r.value()); // a coalesced record holds several
                        records++;
                    } else if (contains(r.value(), COMPLETE_EVENT)) {
                        complete.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Run(chunks / seconds, chunks, CpuSample.of(bench.pids()).since(before), records / seconds);
        }
    }

    // ---- shared with the other sections

    static String prompt(String id, String directives) {
        return "Tell me a story. [[emu id=" + id + " " + directives + "]]";
    }

    static Map<String, String> sinkConfig(Bench bench, String in, String out) {
        Map<String, String> c = common(bench, out);
        c.put("connector.class", "io.bedrockstream.connect.BedrockSinkConnector");
        c.put("topics", in);
        c.put("output.bootstrap.servers", bench.local.bootstrapServers());
        return c;
    }

    static Map<String, String> sourceConfig(Bench bench, String in, String out) {
        Map<String, String> c = common(bench, out);
        c.put("connector.class", "io.bedrockstream.connect.BedrockSourceConnector");
        c.put("value.converter", "io.bedrockstream.connect.LeanJsonConverter");
        c.put("source.topics", in);
        c.put("source.bootstrap.servers", bench.local.bootstrapServers());
        c.put("topic.creation.default.replication.factor", "1");
        c.put("topic.creation.default.partitions", "1");
        return c;
    }

    private static Map<String, String> common(Bench bench, String out) {
        Map<String, String> c = new HashMap<>();
        c.put("tasks.max", "1");
        c.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        c.put("bedrock.region", "us-east-1");
        c.put("bedrock.endpoint.override", bench.emulator.endpoint().toString());
        c.put("bedrock.credentials.provider", "static");
        c.put("bedrock.access.key.id", Bench.ACCESS_KEY);
        c.put("bedrock.secret.access.key", Bench.SECRET_KEY);
        c.put("bedrock.model.id", Bench.MODEL);
        c.put("request.mode", "prompt");
        c.put("output.topic", out);
        c.put("max.in.flight.requests", String.valueOf(IN_FLIGHT));
        // -Dbench.connector.<key>=<value> adds or overrides a setting of every connector the bench starts, e.g.
        // -Dbench.connector.output.producer.linger.ms=10
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("bench.connector."))
                .forEach(k -> c.put(k.substring("bench.connector.".length()), System.getProperty(k)));
        return c;
    }

    /** The sink's output producer as it is configured by default (BedrockSinkConfig.producerConfigs). */
    static Map<String, Object> sinkLikeProducer() {
        return Map.of(
                ProducerConfig.LINGER_MS_CONFIG,
                1,
                ProducerConfig.BATCH_SIZE_CONFIG,
                131072,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
    }

    static KafkaProducer<byte[], byte[]> producer(Bench bench, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.local.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<byte[], byte[]> consumer(Bench bench, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>(extra);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bench.local.bootstrapServers());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(c);
    }

    static void createTopics(Bench bench, int partitions, String... names) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.local.bootstrapServers()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                if (!existing.contains(name)) {
                    topics.add(new NewTopic(name, partitions, (short) 1));
                }
            }
            admin.createTopics(topics).all().get();
        }
    }

    static void awaitRunning(Bench bench, String connector, int tasks) throws Exception {
        long deadline = System.nanoTime() + Bench.START.toNanos();
        while (System.nanoTime() < deadline) {
            var status = bench.rest().get("/connectors/" + connector + "/status");
            if (status.ok()
                    && "RUNNING"
                            .equals(status.body()
                                    .path("connector")
                                    .path("state")
                                    .asText())) {
                var taskList = status.body().path("tasks");
                int running = 0;
                for (var t : taskList) {
                    if ("RUNNING".equals(t.path("state").asText())) {
                        running++;
                    } else if ("FAILED".equals(t.path("state").asText())) {
                        throw new IllegalStateException(
                                connector + " task failed: " + t.path("trace").asText());
                    }
                }
                if (running == tasks) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(connector + " did not reach " + tasks + " running tasks");
    }

    private static final byte[] DELTAS_FIELD = "\"deltas\":".getBytes(StandardCharsets.UTF_8);

    /** The {@code deltas} a chunk record holds: its field's value, or 1 when absent (no coalescing). */
    static int deltas(byte[] value) {
        int at = indexOf(value, DELTAS_FIELD);
        if (at < 0) {
            return 1;
        }
        int n = 0;
        for (int i = at + DELTAS_FIELD.length; i < value.length && value[i] >= '0' && value[i] <= '9'; i++) {
            n = n * 10 + (value[i] - '0');
        }
        return Math.max(1, n);
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle) >= 0;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
