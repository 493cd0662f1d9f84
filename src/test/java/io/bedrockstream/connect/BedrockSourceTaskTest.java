package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source task alone, as MirrorSourceTaskTest tests MM2's: a MockConsumer for its request partition, a
 * stored offset from a fake offset reader, and invocations the test ends by hand ({@link HeldInvoker}).
 */
class BedrockSourceTaskTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TopicPartition TP = new TopicPartition("requests", 0);

    private final HeldInvoker invoker = new HeldInvoker();
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final List<SourceRecord> emitted = new ArrayList<>();
    private BedrockSourceTask task;

    private Map<String, String> config() {
        Map<String, String> c = TestConfigs.validSource();
        c.put("request.mode", "prompt");
        c.put("max.in.flight.requests", "4");
        c.put("source.dlq.topic", "dlq");
        c.put("task.index", "0");
        c.put("task.assigned.partitions", "requests-0");
        return c;
    }

    private void start(Map<String, String> config, Map<String, Object> storedOffset) {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        task = new BedrockSourceTask(c -> consumer, c -> invoker);
        task.initialize(context(config, storedOffset));
        task.start(config);
    }

    /** A task context whose offset reader answers {@code storedOffset} for every partition (null: none). */
    private static SourceTaskContext context(Map<String, String> config, Map<String, Object> storedOffset) {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return config;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return storedOffset;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> ps) {
                        Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                        ps.forEach(p -> out.put(p, storedOffset));
                        return out;
                    }
                };
            }

            @Override
            public PluginMetrics pluginMetrics() {
                throw new UnsupportedOperationException("no plugin metrics in unit tests");
            }
        };
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private void add(long offset, String key, String value, RecordHeaders headers) {
        byte[] v = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        consumer.addRecord(new ConsumerRecord<>(
                "requests",
                0,
                offset,
                0L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                key.getBytes(StandardCharsets.UTF_8),
                v,
                headers,
                Optional.empty()));
    }

    private void add(long offset, String key, String value) {
        add(offset, key, value, new RecordHeaders());
    }

    /** Polls (completing nothing) until {@code done} holds for everything emitted so far. */
    private void pollUntil(Predicate<List<SourceRecord>> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.test(emitted)) {
            assertThat(System.nanoTime())
                    .as("%d records emitted", emitted.size())
                    .isLessThan(deadline);
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                emitted.addAll(batch);
            }
        }
    }

    private static String event(SourceRecord r) {
        return r.value() instanceof Struct s && s.schema().field("event") != null ? s.getString("event") : null;
    }

    private long completes() {
        return emitted.stream().filter(r -> "complete".equals(event(r))).count();
    }

    @Test
    void aStartingTaskWarmsUpOnceInTheBackgroundAndItsStopEndsAWarmUpStillWaiting() throws Exception {
        invoker.warmUpGate = new java.util.concurrent.CountDownLatch(1);
        Map<String, String> c = config();
        start(c, null);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (invoker.warmUpThreads.isEmpty()) {
            assertThat(System.nanoTime()).as("warm-up started").isLessThan(deadline);
            Thread.sleep(5);
        }
        Thread warmUp = invoker.warmUpThreads.get(0);
        assertThat(invoker.warmUps)
                .containsExactly("invoke " + c.get("bedrock.model.id") + " bedrock-warm-up-" + c.get("name") + "-0");
        assertThat(warmUp.isDaemon()).isTrue();

        task.stop();
        task = null;
        warmUp.join(WAIT.toMillis());

        assertThat(warmUp.isAlive()).as("warm-up thread alive after stop()").isFalse();
        assertThat(invoker.warmUps).hasSize(1);
    }

    @Test
    void doneOffsetsRestoredFromTheStoredOffsetSurviveUntilTheirRecordIsReadAgain() throws Exception {
        start(config(), Map.of("offset", 0L, "done", "3"));
        add(0, "r-0", "q0");
        add(1, "r-1", "q1");
        add(2, "r-2", "q2");
        pollUntil(rs -> invoker.calls().size() == 3);
        // in request order (the engine starts a burst on two threads, so the calls may be open in either order)
        List<HeldInvoker.Call> open = new java.util.ArrayList<>(invoker.awaitOpen(3, c -> true, WAIT));
        open.sort(java.util.Comparator.comparing(HeldInvoker.Call::requestId));
        for (HeldInvoker.Call call : open) {
            call.complete("x");
        }
        pollUntil(rs -> completes() == 3);
        // every record handed over before record 3 is read again keeps "3" as done: a transaction committed
        // here and a restart must not run request 3 again
        assertThat(emitted)
                .allSatisfy(r -> assertThat(r.sourceOffset().get("done")).isEqualTo("3"));
        assertThat(emitted.get(emitted.size() - 1).sourceOffset()).isEqualTo(Map.of("offset", 3L, "done", "3"));

        add(3, "r-3", "q3"); // a later fetch
        add(4, "r-4", "q4");
        pollUntil(rs -> invoker.calls().size() == 4);
        assertThat(invoker.calls())
                .extracting(HeldInvoker.Call::requestId)
                .containsExactlyInAnyOrder("r-0", "r-1", "r-2", "r-4");
        invoker.awaitOpen(1, c -> true, WAIT).get(0).complete("y");
        pollUntil(rs -> completes() == 4);
        assertThat(emitted.get(emitted.size() - 1).sourceOffset()).isEqualTo(Map.of("offset", 5L));
    }

    @Test
    void aHeadRequestStuckWhileThousandsFinishBehindItStoresOneRangeAndReadingGoesOn() throws Exception {
        Map<String, String> c = config();
        c.put("max.in.flight.requests", "256");
        start(c, null);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            add(i, "r-" + i, "q" + i);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (completes() < n - 1) {
            assertThat(System.nanoTime()).as("completed %d", completes()).isLessThan(deadline);
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                emitted.addAll(batch);
            }
            for (HeldInvoker.Call call : invoker.open()) {
                if (!call.requestId().equals("r-0")) {
                    call.complete("z");
                }
            }
        }
        int longestDone = emitted.stream()
                .map(r -> String.valueOf(r.sourceOffset().get("done")))
                .mapToInt(String::length)
                .max()
                .orElse(0);
        assertThat(longestDone).as("the stored offset stays small").isLessThan(257 * 12);
        pollUntil(rs -> rs.get(rs.size() - 1).sourceOffset().equals(Map.of("offset", 0L, "done", "1-2999")));
        invoker.open().get(0).complete("finally");
        pollUntil(rs -> completes() == n);
        assertThat(emitted.get(emitted.size() - 1).sourceOffset()).isEqualTo(Map.of("offset", (long) n));
    }

    @Test
    void deadLetterHeadersKeepBinaryValuesAsBytesAndTextAsStrings() throws Exception {
        start(config(), null);
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, 0x41};
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("bin", binary));
        headers.add(new RecordHeader("text", "héllo".getBytes(StandardCharsets.UTF_8)));
        add(0, "bad-1", null, headers); // a null value is an invalid request
        pollUntil(rs -> !rs.isEmpty());
        SourceRecord letter = emitted.get(0);
        assertThat(letter.topic()).isEqualTo("dlq");
        Header bin = letter.headers().lastWithName("bin");
        assertThat(bin.schema().type()).isEqualTo(Schema.Type.BYTES);
        assertThat((byte[]) bin.value()).containsExactly(binary);
        assertThat(letter.headers().lastWithName("text").value()).isEqualTo("héllo");
        assertThat(new PassthroughHeaderConverter().fromConnectHeader("dlq", "bin", bin.schema(), bin.value()))
                .containsExactly(binary);
        assertThat(letter.sourceOffset()).isEqualTo(Map.of("offset", 1L));
    }

    @Test
    void aCommittedOffsetNeverMarksARequestDoneWhileItsCompletionRecordIsUnacknowledged() throws Exception {
        Map<String, String> c = config();
        c.put("output.completions.topic", "completions");
        start(c, null);
        add(0, "r-0", "q");
        pollUntil(rs -> invoker.calls().size() == 1);
        invoker.awaitOpen(1, x -> true, WAIT).get(0).complete("a", "b");
        pollUntil(rs -> rs.stream().anyMatch(r -> "completions".equals(r.topic())));
        // the output topic is fine, the completions topic's leader is away: only the completion is unacknowledged
        Map<Map<String, Object>, Map<String, Object>> committed =
                org.apache.kafka.connect.runtime.ConnectSourceOffsetCommits.committable(
                        emitted, r -> !"completions".equals(r.topic()));
        assertThat(committed.get(BedrockSourceTask.sourcePartition(TP)))
                .as("what Connect commits while request 0's completion is not written")
                .satisfiesAnyOf(o -> assertThat(o).isNull(), o -> assertThat(o).isEqualTo(Map.of("offset", 0L)));
        assertThat(org.apache.kafka.connect.runtime.ConnectSourceOffsetCommits.committable(emitted, r -> true)
                        .get(BedrockSourceTask.sourcePartition(TP)))
                .isEqualTo(Map.of("offset", 1L));
    }

    @Test
    void aCompletionTooLargeForTheProducerIsDeadLetteredAndTheRequestStillFinishes() throws Exception {
        Map<String, String> c = config();
        c.put("output.completions.topic", "done");
        c.put("producer.override.max.request.size", "4000");
        start(c, null);
        add(0, "long-1", "q");
        add(1, "short-1", "q");
        pollUntil(rs -> invoker.calls().size() == 2);
        // by request id: the engine starts a burst on two threads, so the calls may be open in either order
        Map<String, HeldInvoker.Call> calls = new java.util.HashMap<>();
        for (HeldInvoker.Call call : invoker.awaitOpen(2, x -> true, WAIT)) {
            calls.put(call.requestId(), call);
        }
        String[] words = new String[1000];
        java.util.Arrays.fill(words, "word ");
        calls.get("long-1").complete(words); // 5,000 characters: each chunk fits, the whole answer does not
        calls.get("short-1").complete("ok");
        pollUntil(rs -> completes() == 2 && rs.stream().anyMatch(r -> "dlq".equals(r.topic())));
        pollUntil(rs -> rs.get(rs.size() - 1).sourceOffset().equals(Map.of("offset", 2L)));
        SourceRecord letter = emitted.stream()
                .filter(r -> "dlq".equals(r.topic()))
                .findFirst()
                .orElseThrow();
        assertThat(letter.key()).isEqualTo("long-1");
        assertThat(letter.headers()
                        .lastWithName(BedrockSourceTask.HEADER_ERROR_TYPE)
                        .value())
                .isEqualTo("OutputRefused");
        assertThat(String.valueOf(letter.headers()
                        .lastWithName(BedrockSourceTask.HEADER_ERROR_MESSAGE)
                        .value()))
                .contains("completion record")
                .contains("max.request.size");
        assertThat(emitted.stream().filter(r -> "done".equals(r.topic())).map(SourceRecord::key))
                .containsExactly("short-1");
        // the dead letter is long-1's last record: only it carries the offset past long-1
        SourceRecord longComplete = emitted.stream()
                .filter(r -> "long-1".equals(r.key()) && "complete".equals(event(r)))
                .findFirst()
                .orElseThrow();
        assertThat(longComplete.sourceOffset()).isEqualTo(Map.of("offset", 0L));
        assertThat(letter.sourceOffset().get("offset").equals(1L)
                        || "0".equals(letter.sourceOffset().get("done")))
                .as("the dead letter's offset %s includes long-1", letter.sourceOffset())
                .isTrue();
    }

    @Test
    void aRefusedModelOverrideIsDeadLetteredNotATaskFailure() throws Exception {
        Map<String, String> c = config();
        c.put("request.model.override.header", "model");
        c.put("request.model.allowed", "anthropic.claude-3-haiku-20240307-v1:0");
        start(c, null);
        RecordHeaders headers = new RecordHeaders();
        headers.add(
                new RecordHeader("model", "anthropic.claude-3-haiku-20240307-v1:0".getBytes(StandardCharsets.UTF_8)));
        add(0, "o-1", "q", headers);
        pollUntil(rs -> invoker.calls().size() == 1);
        invoker.awaitOpen(1, x -> true, WAIT).get(0).fail(ErrorKind.CONFIGURATION, "ResourceNotFoundException");
        pollUntil(rs -> rs.stream().anyMatch(r -> "dlq".equals(r.topic())));
        assertThat(emitted.get(emitted.size() - 1).sourceOffset()).isEqualTo(Map.of("offset", 1L));
        assertThat(task.metrics().snapshot())
                .containsEntry("dead-letters-last-minute", 1L)
                .containsEntry("in-flight-requests", 0L);
    }

    @Test
    void withoutADeadLetterTopicAFailedRequestFailsTheTaskWithItsReasonAndTheTasksHealth() throws Exception {
        Map<String, String> c = config();
        c.remove("source.dlq.topic");
        start(c, null);
        add(0, "f-1", "q");
        add(1, "f-2", "q");
        pollUntil(rs -> invoker.calls().size() == 2);
        assertThat(task.metrics().snapshot())
                .containsEntry("in-flight-requests", 2L)
                .containsEntry("request-backlog-max-partition", 2L);
        invoker.awaitOpen(2, x -> true, WAIT).get(0).fail(ErrorKind.INVALID_REQUEST, "ValidationException");
        Throwable thrown = null;
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (thrown == null && System.nanoTime() < deadline) {
            try {
                task.poll();
            } catch (org.apache.kafka.connect.errors.ConnectException e) {
                thrown = e;
            }
        }
        assertThat(thrown)
                .isNotNull()
                .hasMessageContaining("source.dlq.topic is not set")
                .hasMessageContaining("ValidationException")
                .hasMessageContaining("\nTask health: 2 requests accepted, 0 completed, 0 dead-lettered")
                .hasMessageContaining("1 unfinished");
    }

    @Test
    void stopFinishesWithinConnectsGracePeriodWhileTheBrokerIsAway() throws Exception {
        Map<String, String> c = config();
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            int deadPort = closed.getLocalPort();
            closed.close();
            c.put("source.bootstrap.servers", "127.0.0.1:" + deadPort);
            task = new BedrockSourceTask(
                    cfg -> new org.apache.kafka.clients.consumer.KafkaConsumer<>(cfg.consumerConfigs()),
                    cfg -> invoker);
            task.initialize(context(c, null));
            task.start(c);
            Thread poller = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        task.poll();
                    }
                } catch (Exception e) {
                    // stopped
                }
            });
            poller.setDaemon(true);
            poller.start();
            Thread.sleep(500); // poll() is inside consumer.poll, waiting for a broker that is not there
            long start = System.nanoTime();
            task.stop();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            task = null;
            poller.interrupt();
            assertThat(tookMs).as("stop() took %d ms", tookMs).isLessThan(5_000);
        }
    }
}
