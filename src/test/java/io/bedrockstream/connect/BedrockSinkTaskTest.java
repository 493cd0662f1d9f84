package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.bedrock.ErrorKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink task alone, driven as Connect's WorkerSinkTask drives it ({@link SinkTaskDriver} over MockConsumer),
 * writing to a MockProducer, with invocations the test ends by hand ({@link HeldInvoker}).
 */
class BedrockSinkTaskTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TopicPartition P0 = new TopicPartition("requests", 0);
    private static final TopicPartition P1 = new TopicPartition("requests", 1);

    private final HeldInvoker invoker = new HeldInvoker();
    /** Topics whose metadata the task's producer was asked for. */
    private final Set<String> metadataFetched = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public synchronized List<org.apache.kafka.common.PartitionInfo> partitionsFor(String topic) {
                    metadataFetched.add(topic);
                    return super.partitionsFor(topic);
                }
            };
    private BedrockSinkTask task;
    private SinkTaskDriver driver;

    private Map<String, String> config() {
        Map<String, String> c = TestConfigs.validSink();
        c.put("request.mode", "prompt");
        c.put("max.in.flight.requests", "2");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", "dlq");
        return c;
    }

    private void start(Map<String, String> config) {
        start(config, null);
    }

    private void start(Map<String, String> config, org.apache.kafka.connect.sink.ErrantRecordReporter reporter) {
        driver = new SinkTaskDriver(config);
        driver.reporter = reporter;
        task = new BedrockSinkTask(c -> TestWriters.writer(producer, c), c -> invoker);
        task.initialize(driver);
        task.start(config);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private List<JsonNode> output() {
        List<JsonNode> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : producer.history()) {
            try {
                out.add(JSON.readTree(r.value()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private Set<String> completed() {
        Set<String> ids = new HashSet<>();
        output().stream()
                .filter(n -> "complete".equals(n.path("event").asText()))
                .forEach(n -> ids.add(n.path("request_id").asText()));
        return ids;
    }

    /** Polls, completes every open invocation and commits until the committed offsets are {@code expected}. */
    private void runUntilCommitted(Map<TopicPartition, Long> expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!driver.committed.equals(expected)) {
            assertThat(System.nanoTime())
                    .as("committed %s, expected %s", driver.committed, expected)
                    .isLessThan(deadline);
            driver.poll(task, 100);
            for (HeldInvoker.Call call : invoker.open()) {
                call.complete("a", "b");
            }
            Thread.sleep(5);
            driver.commit(task);
        }
    }

    @Test
    void aStartingTaskWarmsUpItsBedrockCallAndItsOutputTopicInTheBackgroundOnce() throws Exception {
        Map<String, String> c = config();
        c.put("bedrock.api", "converse");
        start(c);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (invoker.warmUps.isEmpty() || !metadataFetched.contains(c.get("output.topic"))) {
            assertThat(System.nanoTime()).as("warm-up ran").isLessThan(deadline);
            Thread.sleep(10);
        }
        assertThat(invoker.warmUps)
                .containsExactly("converse " + c.get("bedrock.model.id") + " bedrock-warm-up-" + c.get("name") + "-0");
    }

    @Test
    void aStopWhileTheWarmUpStillWaitsEndsTheWarmUpThreadAndNoMetadataIsFetchedAfterwards() throws Exception {
        invoker.warmUpGate = new java.util.concurrent.CountDownLatch(1);
        start(config());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (invoker.warmUpThreads.isEmpty()) {
            assertThat(System.nanoTime()).as("warm-up started").isLessThan(deadline);
            Thread.sleep(5);
        }
        Thread warmUp = invoker.warmUpThreads.get(0);
        assertThat(warmUp.isDaemon()).isTrue();

        task.stop();
        task = null;
        warmUp.join(WAIT.toMillis());

        assertThat(warmUp.isAlive()).as("warm-up thread alive after stop()").isFalse();
        assertThat(metadataFetched).as("topics whose metadata was fetched").isEmpty();
    }

    @Test
    void partitionsRevokedWhilePausedAndAssignedBackToTheSameTaskAreReadAgainAndTheirRequestsRunAgain()
            throws Exception {
        start(config());
        driver.assign(task, List.of(P0, P1));
        for (int i = 0; i < 6; i++) {
            driver.append(P0, "a-" + i, "question a" + i);
            driver.append(P1, "b-" + i, "question b" + i);
        }
        driver.poll(task, 100); // 12 unfinished >= 2 x max.in.flight.requests: the task pauses
        assertThat(driver.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        List<HeldInvoker.Call> first = invoker.awaitOpen(2, c -> true, WAIT);

        // an eager rebalance: revoke all, a poll that returns mid-rebalance with nothing assigned, assign back
        driver.revoke(task, List.of(P0, P1));
        // abandoned: cancelled (an attempt revoked while its invoke() was still starting is cancelled by the
        // engine thread right after, so wait for it)
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!first.stream().allMatch(HeldInvoker.Call::ended) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(first).allMatch(HeldInvoker.Call::ended);
        driver.poll(task, 100);
        driver.assign(task, List.of(P0, P1));
        assertThat(driver.consumer.paused())
                .as("partitions the task got back are read again")
                .isEmpty();
        runUntilCommitted(Map.of(P0, 6L, P1, 6L));
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            all.add("a-" + i);
            all.add("b-" + i);
        }
        assertThat(completed()).isEqualTo(all);
        // every completed request wrote seq 0, 1 then its complete terminal at seq 2, exactly once
        Map<String, List<Long>> seqs = new TreeMap<>();
        output().forEach(n -> seqs.computeIfAbsent(n.path("request_id").asText(), k -> new ArrayList<>())
                .add(n.path("seq").asLong()));
        assertThat(seqs.values()).allMatch(s -> s.equals(List.of(0L, 1L, 2L)));
    }

    @Test
    void aPartitionAssignedWhileTheTaskIsPausedJoinsThePauseAndIsResumedWithTheRest() throws Exception {
        start(config());
        driver.assign(task, List.of(P0));
        for (int i = 0; i < 6; i++) {
            driver.append(P0, "a-" + i, "question a" + i);
            driver.append(P1, "b-" + i, "question b" + i);
        }
        driver.poll(task, 100);
        assertThat(driver.consumer.paused()).containsExactly(P0);
        driver.assign(task, List.of(P1)); // a cooperative rebalance adds a partition
        assertThat(driver.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        runUntilCommitted(Map.of(P0, 6L, P1, 6L));
        assertThat(completed()).hasSize(12);
    }

    @Test
    void aModelOverrideTheServiceRefusesIsDeadLetteredAndTheTaskKeepsRunning() throws Exception {
        Map<String, String> c = config();
        c.put("request.model.override.header", "model");
        c.put("request.model.allowed", "anthropic.claude-3-haiku-20240307-v1:0");
        RecordingReporter reporter = new RecordingReporter();
        List<SinkRecord> reported = reporter.records;
        List<Throwable> reasons = reporter.reasons;
        start(c, reporter);
        driver.assign(task, List.of(P0));
        SinkRecord overridden = new SinkRecord("requests", 0, null, "o-1", null, "question", 0);
        overridden.headers().addString("model", "anthropic.claude-3-haiku-20240307-v1:0");
        SinkRecord plain = new SinkRecord("requests", 0, null, "p-1", null, "question", 1);
        task.put(List.of(overridden, plain));
        for (HeldInvoker.Call call : invoker.awaitOpen(2, x -> true, WAIT)) {
            if (call.requestId().equals("o-1")) {
                call.fail(ErrorKind.CONFIGURATION, "AccessDeniedException");
            } else {
                call.complete("fine");
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (reported.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            task.put(List.of());
        }
        assertThat(reported).extracting(SinkRecord::key).containsExactly("o-1");
        assertThat(reasons.get(0).getMessage())
                .contains("AccessDeniedException")
                .contains("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(task.preCommit(Map.of()))
                .containsEntry(P0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(2));
    }

    @Test
    void theConfiguredModelRefusedFailsTheTaskWithWhatToFix() throws Exception {
        start(config(), (record, error) -> CompletableFuture.completedFuture(null));
        driver.assign(task, List.of(P0));
        task.put(List.of(new SinkRecord("requests", 0, null, "c-1", null, "question", 0)));
        invoker.awaitOpen(1, x -> true, WAIT).get(0).fail(ErrorKind.CONFIGURATION, "AccessDeniedException");
        long deadline = System.nanoTime() + WAIT.toNanos();
        Throwable thrown = null;
        while (thrown == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
                task.put(List.of());
            } catch (org.apache.kafka.connect.errors.ConnectException e) {
                thrown = e;
            }
        }
        assertThat(thrown)
                .isNotNull()
                .hasMessageContaining("setup.error.action=fail")
                .hasMessageContaining("AccessDeniedException")
                .hasMessageContaining("\nTask health: 1 requests accepted, 0 completed, 0 dead-lettered");
    }

    /**
     * Connect's own reporter and tolerance operator, as a worker wires them: a record put() got from Connect
     * (an InternalSinkRecord) is written from its original consumer record, so "without the value" must be a
     * new record, or the second dead letter is as large as the first.
     */
    @Test
    void aDeadLetterTooLargeForTheDeadLetterTopicIsWrittenAgainWithoutTheValueOnConnectsOwnReporter() throws Exception {
        List<Integer> dlqValueSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        org.apache.kafka.connect.runtime.errors.ErrorReporter<
                        org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>
                dlq = ctx -> {
                    byte[] v = ctx.original().value();
                    dlqValueSizes.add(v == null ? 0 : v.length);
                    Future<org.apache.kafka.clients.producer.RecordMetadata> f = v != null && v.length > 1000
                            ? CompletableFuture.failedFuture(
                                    new org.apache.kafka.common.errors.RecordTooLargeException("too large"))
                            : CompletableFuture.completedFuture(null);
                    return f;
                };
        var operator = new org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator<
                org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>>(
                0,
                org.apache.kafka.connect.runtime.ConnectorConfig.ERRORS_RETRY_MAX_DELAY_DEFAULT,
                org.apache.kafka.connect.runtime.errors.ToleranceType.ALL,
                org.apache.kafka.common.utils.Time.SYSTEM,
                new org.apache.kafka.connect.runtime.errors.ErrorHandlingMetrics(
                        new org.apache.kafka.connect.util.ConnectorTaskId("c", 0),
                        new org.apache.kafka.connect.runtime.MockConnectMetrics()));
        operator.reporters(List.of(dlq));
        var keys = new org.apache.kafka.connect.storage.StringConverter();
        keys.configure(Map.of(), true);
        var values = new org.apache.kafka.connect.json.JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        start(
                config(),
                new org.apache.kafka.connect.runtime.errors.WorkerErrantRecordReporter(
                        operator, keys, values, new org.apache.kafka.connect.storage.SimpleHeaderConverter()));
        driver.assign(task, List.of(P0));
        String big = "x".repeat(2000);
        var consumed = new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                "requests",
                0,
                0L,
                "big-1".getBytes(StandardCharsets.UTF_8),
                ("\"" + big + "\"").getBytes(StandardCharsets.UTF_8));
        SinkRecord plain = new SinkRecord("requests", 0, null, "big-1", null, big, 0);
        task.put(List.of(new org.apache.kafka.connect.runtime.InternalSinkRecord(
                new org.apache.kafka.connect.runtime.errors.ProcessingContext<>(consumed), plain)));
        invoker.awaitOpen(1, x -> true, WAIT).get(0).fail(ErrorKind.INVALID_REQUEST, "ValidationException");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (dlqValueSizes.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
            task.put(List.of());
        }
        task.put(List.of()); // settles the second dead letter; must not throw
        assertThat(dlqValueSizes)
                .as("value bytes the dead-letter producer got, per report")
                .containsExactly(2002, 0);
        assertThat(task.preCommit(Map.of()))
                .containsEntry(P0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(1));
    }

    @Test
    void aValueTooLargeForTheDeadLetterTopicIsLeftOutOfItsFirstDeadLetter() throws Exception {
        Map<String, String> c = config();
        c.put("producer.override.max.request.size", "70000");
        RecordingReporter reporter = new RecordingReporter();
        List<SinkRecord> reported = reporter.records;
        List<Throwable> reasons = reporter.reasons;
        start(c, reporter);
        driver.assign(task, List.of(P0));
        task.put(List.of(new SinkRecord("requests", 0, null, "huge-1", null, "x".repeat(10_000), 0)));
        invoker.awaitOpen(1, x -> true, WAIT).get(0).fail(ErrorKind.INVALID_REQUEST, "ValidationException");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (reported.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            task.put(List.of());
        }
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).value()).isNull();
        assertThat(reasons.get(0).getMessage()).contains("10000 characters").contains("left out");
    }

    @Test
    void stopFinishesWithinConnectsGracePeriodWhileTheBrokerIsAway() throws Exception {
        Map<String, String> c = config();
        driver = new SinkTaskDriver(c);
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            int deadPort = closed.getLocalPort();
            closed.close();
            Map<String, Object> props = new HashMap<>();
            props.put("bootstrap.servers", "127.0.0.1:" + deadPort);
            props.put("key.serializer", ByteArraySerializer.class.getName());
            props.put("value.serializer", ByteArraySerializer.class.getName());
            task = new BedrockSinkTask(
                    cfg -> TestWriters.writer(new org.apache.kafka.clients.producer.KafkaProducer<>(props), cfg),
                    cfg -> invoker);
            task.initialize(driver);
            task.start(c);
            driver.assign(task, List.of(P0));
            for (int i = 0; i < 4; i++) {
                driver.append(P0, "s-" + i, "question " + i);
            }
            driver.poll(task, 100);
            List<HeldInvoker.Call> open = invoker.awaitOpen(2, x -> true, WAIT);
            open.get(0).complete("blocks", "the", "writer"); // its sends wait for metadata that never comes
            long start = System.nanoTime();
            task.stop();
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            task = null;
            assertThat(tookMs).as("stop() took %d ms", tookMs).isLessThan(5_000);
            assertThat(open.get(1).ended()).as("an open stream is cancelled").isTrue();
        }
    }

    @Test
    void aLateAckOfARevokedRunDoesNotFinishTheSameOffsetRunningAgainOnTheSameTask() throws Exception {
        producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        start(config());
        driver.assign(task, List.of(P0));
        driver.append(P0, "r-0", "question");
        driver.poll(task, 100);
        invoker.awaitOpen(1, c -> true, WAIT).get(0).complete("old");
        awaitSent(2); // its chunk and terminal, not acknowledged yet
        driver.revoke(task, List.of(P0));
        assertThat(driver.committed).doesNotContainKey(P0);
        driver.assign(task, List.of(P0));
        driver.poll(task, 100); // read again from the committed offset: a new run of the same request
        HeldInvoker.Call rerun = invoker.awaitOpen(1, c -> true, WAIT).get(0);
        while (producer.completeNext()) {
            // the broker acknowledges the old run's records now
        }
        Thread.sleep(50);
        driver.commit(task);
        assertThat(driver.committed)
                .as("the old run's acks must not finish the new run")
                .doesNotContainKey(P0);
        rerun.complete("new");
        awaitSent(4);
        while (producer.completeNext()) {
            // and the new run's
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Long.valueOf(1L).equals(driver.committed.get(P0)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            driver.commit(task);
        }
        assertThat(driver.committed).containsEntry(P0, 1L);
    }

    @Test
    void recordsDeliveredAgainAfterConnectRewindsTheConsumerDoNotRunTwice() throws Exception {
        start(config());
        driver.assign(task, List.of(P0));
        SinkRecord r = new SinkRecord("requests", 0, null, "once", null, "question", 0);
        task.put(List.of(r));
        invoker.awaitOpen(1, c -> true, WAIT);
        task.put(List.of(r)); // a failed offset commit rewinds the consumer: the same record again
        Thread.sleep(100);
        assertThat(invoker.calls()).hasSize(1);
        invoker.open().get(0).complete("a");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (task.preCommit(Map.of()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(task.preCommit(Map.of()))
                .containsEntry(P0, new org.apache.kafka.clients.consumer.OffsetAndMetadata(1));
        assertThat(completed()).containsExactly("once");
    }

    @Test
    void operationsMetricsShowTheOldestRequestTheWorstPartitionThrottlesDeadLettersAndBytes() throws Exception {
        Map<String, String> c = config();
        c.put("retry.backoff.ms", "1");
        c.put("retry.backoff.max.ms", "2");
        start(c, (record, error) -> CompletableFuture.completedFuture(null));
        driver.assign(task, List.of(P0, P1));
        driver.append(P0, "m-0", "q");
        driver.append(P0, "m-1", "q");
        driver.append(P1, "m-2", "q");
        driver.poll(task, 100);
        List<HeldInvoker.Call> open = invoker.awaitOpen(2, x -> true, WAIT);
        Thread.sleep(30);
        Map<String, Long> m = task.metrics().snapshot();
        assertThat(m.get("in-flight-requests")).isEqualTo(3);
        assertThat(m.get("request-backlog-max-partition")).isEqualTo(2);
        assertThat(m).containsEntry("request-backlog-requests-0", 2L).containsEntry("request-backlog-requests-1", 1L);
        assertThat(m.get("oldest-unfinished-request-age-ms")).isGreaterThanOrEqualTo(30);

        open.get(0).fail(ErrorKind.THROTTLING, "ThrottlingException"); // retried
        open.get(1).fail(ErrorKind.INVALID_REQUEST, "ValidationException"); // dead-lettered
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (task.metrics().snapshot().get("requests-completed-total") < 2 && System.nanoTime() < deadline) {
            for (HeldInvoker.Call call : invoker.open()) {
                call.complete("done");
            }
            task.put(List.of());
            Thread.sleep(5);
        }
        m = task.metrics().snapshot();
        assertThat(m.get("throttled-calls-total")).isEqualTo(1);
        assertThat(m.get("throttled-calls-last-minute")).isEqualTo(1);
        assertThat(m.get("dead-letters-last-minute")).isEqualTo(1);
        assertThat(m.get("requests-dead-lettered-total")).isEqualTo(1);
        assertThat(m.get("in-flight-requests")).isZero();
        assertThat(m.get("oldest-unfinished-request-age-ms")).isZero();
        driver.revoke(task, List.of(P1));
        assertThat(task.metrics().snapshot())
                .containsKey("request-backlog-requests-0")
                .doesNotContainKey("request-backlog-requests-1");
        // bytes-out-total counts what the broker acknowledges (SinkFailureModesIT, with a real broker)
    }

    @Test
    void aTokensPerMinuteThrottleShowsTheBudgetTheTaskLearnedAsAMetric() throws Exception {
        Map<String, String> c = config();
        c.put("retry.backoff.ms", "1");
        c.put("retry.backoff.max.ms", "2");
        start(c);
        driver.assign(task, List.of(P0));
        driver.append(P0, "t-0", "q");
        driver.append(P0, "t-1", "q");
        driver.poll(task, 100);
        List<HeldInvoker.Call> open = invoker.awaitOpen(2, x -> true, WAIT);
        assertThat(task.metrics().snapshot()).containsEntry("quota-tokens-learned-budget", 0L);

        open.get(0).fail(ErrorKind.THROTTLING, "ThrottlingException", "Too many requests, please wait");
        awaitMetric("throttled-calls-total", 1);
        assertThat(task.metrics().snapshot()).containsEntry("quota-tokens-learned-budget", 0L);
        open.get(1)
                .fail(ErrorKind.THROTTLING, "ThrottlingException", "Too many tokens, please wait before trying again.");
        awaitMetric("throttled-calls-total", 2);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (task.metrics().snapshot().get("quota-tokens-learned-budget") == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(task.metrics().snapshot().get("quota-tokens-learned-budget")).isPositive();
    }

    private void awaitMetric(String name, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (task.metrics().snapshot().get(name) < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(task.metrics().snapshot().get(name)).isGreaterThanOrEqualTo(atLeast);
    }

    private void awaitSent(int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (producer.history().size() < n) {
            assertThat(System.nanoTime())
                    .as("%d records sent", producer.history().size())
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @SuppressWarnings("unused")
    private static RecordHeader header(String k, String v) {
        return new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8));
    }

    /** A dead-letter reporter that keeps what it was given and succeeds at once. */
    private static final class RecordingReporter implements org.apache.kafka.connect.sink.ErrantRecordReporter {
        final List<SinkRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Throwable> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public Future<Void> report(SinkRecord record, Throwable error) {
            records.add(record);
            reasons.add(error);
            return CompletableFuture.completedFuture(null);
        }
    }
}
