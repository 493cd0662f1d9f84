package io.bedrockstream.connect;

import static io.bedrockstream.connect.config.BedrockConnectorConfig.ERRORS_TOLERANCE;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.MAX_TOKENS;

import io.bedrockstream.Version;
import io.bedrockstream.bedrock.ErrorClassifier;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.connect.config.BedrockSinkTaskConfig;
import io.bedrockstream.engine.EngineListener;
import io.bedrockstream.engine.EventType;
import io.bedrockstream.engine.OffsetTracker;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.engine.StreamEngine;
import io.bedrockstream.request.InvalidRequestException;
import io.bedrockstream.request.ModelRequest;
import io.bedrockstream.request.RequestMapper;
import io.bedrockstream.request.RequestRecord;
import io.bedrockstream.request.SourceCoordinates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the request records of its partitions through the streaming engine and writes their output.
 *
 * <p>Threads: {@code put}, {@code preCommit}, {@code close} and {@code stop} run on the task thread; engine
 * events arrive on SDK threads and producer acknowledgements on the producer's thread. Dead letters are
 * reported only from the task thread, because Connect's reporter is not thread-safe. {@code put} never waits
 * for a model: long streams cannot trip {@code max.poll.interval.ms}.
 *
 * <p>Offsets: a record's offset is committed only once its request is finished (every output record for it
 * acknowledged, or its dead letter acknowledged), and never past an unfinished one.
 */
public class BedrockSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(BedrockSinkTask.class);

    /** How long stop() waits for the writer thread and the producer: Connect allows a task 5 s in all. */
    static final Duration STOP_WAIT = Duration.ofSeconds(1);

    private final Function<BedrockSinkConfig, OutputWriter> writers;
    private final Function<BedrockConnectorConfig, Invoker> invokers;

    private BedrockSinkConfig config;
    private RequestMapper mapper;
    private OutputWriter writer;
    private Thread warmUp;
    private StreamEngine engine;
    private Invoker invoker;
    private ErrantRecordReporter reporter;
    private TaskMetrics metrics;
    private final OffsetTracker offsets = new OffsetTracker();

    private final Map<SourceCoordinates, PendingRequest> pending = new ConcurrentHashMap<>();
    /** Requests that failed for good, waiting for the task thread to dead-letter them. */
    private final ConcurrentLinkedQueue<PendingRequest> failed = new ConcurrentLinkedQueue<>();
    /** Dead letters reported and not yet acknowledged (task thread only). */
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    private final FatalError fatal = new FatalError();
    /**
     * Writes output records in the order the engine emits them, off the SDK's threads: a producer that
     * blocks (full buffer, missing metadata) must never stall a Bedrock stream or a rebalance.
     */
    private ExecutorService writerThread;
    /** Serialises finishing a request with dropping revoked partitions, so a late ack cannot finish a re-run. */
    private final Object assignmentLock = new Object();

    private static final long PROGRESS_POLL_MS = 100;

    private Backpressure backpressure;
    /** The partitions opened and not closed (task thread). */
    private final Set<TopicPartition> owned = new HashSet<>();

    private OutputSizes deadLetterSizes;

    /**
     * A reported dead letter until the reporter has written it.
     *
     * @param valueDropped whether this is the second report of a record whose first dead letter was too large
     */
    private record DeadLetter(
            PendingRequest p, BedrockRequestFailedException reason, Future<Void> future, boolean valueDropped) {
        SourceCoordinates key() {
            return p.key;
        }
    }

    public BedrockSinkTask() {
        this(BedrockSinkTask::outputWriter, EngineWiring::invoker);
    }

    /** For tests: the output writer and the Bedrock invoker a task gets for its config. */
    BedrockSinkTask(
            Function<BedrockSinkConfig, OutputWriter> writers, Function<BedrockConnectorConfig, Invoker> invokers) {
        this.writers = writers;
        this.invokers = invokers;
    }

    private static OutputWriter outputWriter(BedrockSinkConfig config) {
        List<String> outputTopics = new ArrayList<>(List.of(config.outputTopic()));
        config.completionsTopic().ifPresent(outputTopics::add);
        OutputTopics.ensureExist(config.producerConfigs(), outputTopics);
        return new OutputWriter(config);
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new BedrockSinkTaskConfig(props);
        mapper = EngineWiring.mapper(config);
        reporter = errantRecordReporter();
        backpressure = new Backpressure(config.maxInFlightRequests());
        deadLetterSizes = OutputSizes.of(props);
        writer = writers.apply(config);
        writerThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bedrock-sink-writer-" + config.connectorName() + "-" + config.taskIndex());
            t.setDaemon(true);
            return t;
        });
        invoker = invokers.apply(config);
        engine = new StreamEngine(EngineWiring.engine(config), invoker, new Listener());
        warmUp = TaskWarmUp.start(config, invoker, writer::prefetchMetadata);
        metrics = new TaskMetrics(
                new Backlog(),
                () -> engine.effectiveLimit(),
                () -> engine.tokensReserved(),
                () -> engine.tokensSettledTotal(),
                () -> engine.learnedTokenBudget());
        metrics.register(context, config);
        log.info(
                "Bedrock sink task {} started: model {}, mode {}, output {}, max in flight {}",
                config.taskIndex(),
                config.modelId(),
                config.requestMode().configName(),
                config.outputTopic(),
                config.maxInFlightRequests());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than Kafka 2.6
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            fatal.throwIfRaised();
            deadLetterFailures();
            settleDeadLetters();
            for (SinkRecord record : records) {
                accept(record);
            }
            applyBackpressure();
        } catch (ConnectException e) {
            throw metrics.withHealth(e);
        }
    }

    /** Read by the metrics reporter's thread: only the concurrent map of unfinished requests. */
    private final class Backlog implements TaskMetrics.Backlog {
        @Override
        public long unfinished() {
            return pending.size();
        }

        @Override
        public long oldestAgeMs() {
            long now = System.nanoTime();
            return pending.values().stream()
                            .mapToLong(p -> now - p.acceptedNanos)
                            .max()
                            .orElse(0)
                    / 1_000_000;
        }

        @Override
        public long maxPartitionBacklog() {
            Map<TopicPartition, Long> counts = new HashMap<>();
            pending.keySet().forEach(k -> counts.merge(RequestRecords.topicPartition(k), 1L, Long::sum));
            return counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public long backlogOf(TopicPartition tp) {
            return pending.keySet().stream()
                    .filter(k -> k.partition() == tp.partition() && k.topic().equals(tp.topic()))
                    .count();
        }
    }

    private void accept(SinkRecord record) {
        RequestRecord request = RequestRecords.from(record);
        SourceCoordinates key = request.source();
        if (offsets.isRegistered(key)) {
            // redelivered after Connect rewound the consumer (a failed offset commit): it is running or done
            return;
        }
        offsets.register(key);
        metrics.requestsStarted.incrementAndGet();
        ModelRequest modelRequest;
        try {
            modelRequest = mapper.map(request);
        } catch (InvalidRequestException e) {
            String requestId = mapper.requestId(request);
            log.warn(
                    "Request {} at {}-{}@{} is invalid ({}): {}",
                    requestId,
                    key.topic(),
                    key.partition(),
                    key.offset(),
                    e.reason(),
                    e.getMessage());
            deadLetter(
                    new PendingRequest(key, record, requestId),
                    BedrockRequestFailedException.invalidRequest(requestId, e.reason() + ": " + e.getMessage()));
            return;
        }
        pending.put(key, new PendingRequest(key, record, modelRequest.requestId()));
        if (log.isTraceEnabled()) {
            // System.nanoTime is one clock for every process of a Linux host: the bench attributes a request's
            // wait between Kafka, this task and the engine with it
            log.trace("latency: request {} put at nanoTime {}", modelRequest.requestId(), System.nanoTime());
        }
        engine.submit(modelRequest);
    }

    /** Pauses every assigned partition while too much is unfinished, so memory stays bounded. */
    private void applyBackpressure() {
        int load = pending.size() + deadLetters.size();
        switch (backpressure.update(load)) {
            case PAUSE -> {
                Set<TopicPartition> assigned = context.assignment();
                context.pause(assigned.toArray(new TopicPartition[0]));
                log.debug("Paused {} partitions with {} requests unfinished", assigned.size(), load);
            }
            case RESUME -> {
                Set<TopicPartition> assigned = context.assignment();
                context.resume(assigned.toArray(new TopicPartition[0]));
                log.debug("Resumed {} partitions with {} requests unfinished", assigned.size(), load);
            }
            case NONE -> {}
        }
        if (load > 0 || !failed.isEmpty()) {
            // Connect calls put() again only when records arrive or the next offset commit is due
            // (offset.flush.interval.ms, 60 s by default): ask for a short poll so that resuming, dead-lettering
            // and settling dead letters happen promptly, not a commit interval later
            context.timeout(PROGRESS_POLL_MS);
        }
    }

    /**
     * Newly assigned partitions take the task's current pause state. Both ways matter: Connect re-pauses an
     * assigned partition that it remembers as paused by the task, even across a revocation (its own record of
     * paused partitions keeps them), so a partition the task paused, lost and got back arrives paused. When the
     * task is not pausing, it must resume such a partition itself, or the partition is never read again.
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        owned.addAll(partitions);
        metrics.trackPartitions(owned);
        TopicPartition[] opened = partitions.toArray(new TopicPartition[0]);
        if (backpressure.paused()) {
            context.pause(opened);
        } else {
            context.resume(opened);
        }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // Connect swallows what preCommit throws and rewinds the consumer; errors are raised from put instead
        try {
            deadLetterFailures();
            settleDeadLetters();
        } catch (ConnectException e) {
            fatal.raise(e);
        }
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition tp : context.assignment()) {
            offsets.committable(tp.topic(), tp.partition())
                    .ifPresent(next -> commit.put(tp, new OffsetAndMetadata(next)));
        }
        return commit;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        Set<TopicPartition> revoked = new HashSet<>(partitions);
        owned.removeAll(revoked);
        if (metrics != null) {
            metrics.trackPartitions(owned);
        }
        if (engine != null) {
            int abandoned = engine.abandon(r -> revoked.contains(RequestRecords.topicPartition(r.source())));
            if (abandoned > 0) {
                log.info(
                        "Abandoned {} unfinished requests of revoked partitions {}; they run again on the "
                                + "partitions' next owner",
                        abandoned,
                        revoked);
            }
        }
        synchronized (assignmentLock) {
            pending.keySet().removeIf(k -> revoked.contains(RequestRecords.topicPartition(k)));
            failed.removeIf(p -> revoked.contains(RequestRecords.topicPartition(p.key)));
            deadLetters.removeIf(d -> revoked.contains(RequestRecords.topicPartition(d.key())));
            for (TopicPartition tp : revoked) {
                offsets.forget(tp.topic(), tp.partition());
            }
        }
    }

    /**
     * Bounded whatever the broker and Bedrock are doing (Connect gives a task 5 s): open streams are cancelled,
     * the writer thread gets {@link #STOP_WAIT} to drain and is then interrupted, the producer gets as long to
     * flush. Output not acknowledged by then belongs to requests whose offsets were never committed, so they run
     * again on the partitions' next owner.
     */
    @Override
    public void stop() {
        if (warmUp != null) {
            warmUp.interrupt();
        }
        if (engine != null) {
            engine.close();
        }
        if (invoker != null) {
            invoker.close(); // closes the SDK client it owns
        }
        if (writerThread != null) {
            writerThread.shutdown();
            try {
                if (!writerThread.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    writerThread.shutdownNow(); // e.g. a send blocked on metadata while the broker is away
                }
            } catch (InterruptedException e) {
                writerThread.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (writer != null) {
            writer.close(STOP_WAIT);
        }
        if (metrics != null) {
            metrics.close();
        }
        log.info("Bedrock sink task stopped");
    }

    // ---- dead letters (task thread)

    private void deadLetterFailures() {
        PendingRequest p;
        while ((p = failed.poll()) != null) {
            if (!pending.remove(p.key, p)) {
                continue; // its partition was revoked meanwhile
            }
            BedrockRequestFailedException reason = p.outputFailure() != null
                    ? BedrockRequestFailedException.outputRefused(p.requestId, p.outputFailure())
                    : BedrockRequestFailedException.from(p.outcome());
            log.warn("Request {} at {} failed: {}", p.requestId, p.key, reason.getMessage());
            deadLetter(p, reason);
        }
    }

    private void deadLetter(PendingRequest p, BedrockRequestFailedException reason) {
        if (!config.errorsTolerateAll()) {
            throw new ConnectException(
                    "Request " + p.requestId + " at " + p.key
                            + " failed and " + ERRORS_TOLERANCE + "=none, so the task stops. Set "
                            + ERRORS_TOLERANCE
                            + "=all and errors.deadletterqueue.topic.name to dead-letter such requests. "
                            + "Reason: " + reason.getMessage(),
                    reason);
        }
        metrics.recordDeadLetter();
        if (reporter == null) {
            log.error(
                    "Request {} at {} is skipped: no dead-letter queue is configured "
                            + "(errors.deadletterqueue.topic.name). Reason: {}",
                    p.requestId,
                    p.key,
                    reason.getMessage());
            offsets.markDone(p.key);
            return;
        }
        if (deadLetterSizes.valueTooLarge(p.record.value())) {
            // the broker would refuse it after Connect's reporter had queued it, and Connect fails the task on
            // such a future before we could write it again: leave the value out from the start
            deadLetters.add(reportWithoutValue(p, reason));
            return;
        }
        deadLetters.add(new DeadLetter(p, reason, reporter.report(p.record, reason), false));
    }

    /**
     * Connect awaits reported dead letters before it calls preCommit; we still check each one. A dead letter
     * too large for the dead-letter topic is reported again without the request's value (the reason says so),
     * so one oversized record cannot fail the task on every restart.
     */
    private void settleDeadLetters() {
        List<DeadLetter> again = new ArrayList<>();
        for (Iterator<DeadLetter> it = deadLetters.iterator(); it.hasNext(); ) {
            DeadLetter d = it.next();
            if (!d.future().isDone()) {
                continue;
            }
            it.remove();
            try {
                d.future().get();
                offsets.markDone(d.key());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RecordTooLargeException && !d.valueDropped()) {
                    again.add(d);
                    continue;
                }
                throw new ConnectException("Could not write the dead letter of " + d.key(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while checking dead letters", e);
            }
        }
        for (DeadLetter d : again) {
            log.warn(
                    "The dead letter of request {} is too large for the dead-letter topic; it is written again "
                            + "without the request's value",
                    d.p().requestId);
            deadLetters.add(reportWithoutValue(d.p(), d.reason()));
        }
    }

    /**
     * Reports a new record, not {@code newRecord()} of the one Connect gave: Connect's reporter writes the
     * original consumer record of a record it delivered, value included, whatever the copy says.
     */
    private DeadLetter reportWithoutValue(PendingRequest p, BedrockRequestFailedException reason) {
        SinkRecord r = p.record;
        BedrockRequestFailedException withoutValue = reason.withValueDropped(r.value());
        // Connect's reporter unboxes the timestamp of a record it did not deliver itself
        boolean timed = r.timestamp() != null;
        SinkRecord letter = new SinkRecord(
                r.topic(),
                r.kafkaPartition(),
                r.keySchema(),
                r.key(),
                null,
                null,
                r.kafkaOffset(),
                timed ? r.timestamp() : Long.valueOf(-1L),
                timed ? r.timestampType() : org.apache.kafka.common.record.TimestampType.NO_TIMESTAMP_TYPE,
                r.headers());
        return new DeadLetter(p, withoutValue, reporter.report(letter, withoutValue), true);
    }
    // ---- engine callbacks (SDK threads) and producer acknowledgements (producer thread)

    private final class Listener implements EngineListener {
        @Override
        public void onEvent(OutputEvent event) {
            PendingRequest p = pending.get(event.source());
            if (p == null) {
                return; // abandoned: its partition was revoked
            }
            if (event.event() == EventType.ERROR && ErrorClassifier.isThrottling(event.errorType())) {
                metrics.recordThrottled();
            }
            if (event.event() == EventType.ERROR && Boolean.TRUE.equals(event.retrying())) {
                metrics.requestsRetried.incrementAndGet();
                log.info(
                        "Request {} invocation {} attempt {} failed ({}), retrying",
                        event.requestId(),
                        event.invocationId(),
                        event.attempt(),
                        event.errorType());
            }
            if (event.event() == EventType.COMPLETE && event.firstByteLatencyMs() != null) {
                metrics.recordFirstChunk(event.firstByteLatencyMs());
            }
            boolean chunk = event.event() == EventType.CHUNK;
            p.sending();
            write(p, () -> writer.send(event, acknowledge(p, chunk)));
        }

        @Override
        public void onOutcome(RequestOutcome outcome) {
            ModelRequest r = outcome.request();
            PendingRequest p = pending.get(r.source());
            if (p == null) {
                return;
            }
            if (outcome.completed() && writer.writesCompletions()) {
                p.sending();
                write(p, () -> writer.sendCompletion(outcome, acknowledge(p, false)));
            }
            // queued behind the request's records, so the outcome is never seen before they are sent
            write(p, () -> {
                if (p.outcome(outcome)) {
                    finished(p);
                }
            });
        }
    }

    /**
     * Runs a send on the writer thread. A send that throws (a converter that cannot serialise, a closed
     * producer) fails the task: the request can then never finish, and its offset must not be committed.
     */
    private void write(PendingRequest p, Runnable send) {
        writerThread.execute(() -> {
            if (pending.get(p.key) != p) {
                return; // abandoned meanwhile: nothing more is produced for a revoked partition
            }
            try {
                send.run();
            } catch (RuntimeException e) {
                fatal.raise(new ConnectException(
                        "Could not write an output record of request " + p.requestId
                                + "; the task stops so the request runs again after a restart",
                        e));
            }
        });
    }

    /**
     * A record refused for its own size is the request's fault: the request is dead-lettered once the rest of
     * its output is acknowledged. Any other send failure (broker away past delivery.timeout.ms, authorisation)
     * fails the task, and the request runs again after the restart.
     */
    private Callback acknowledge(PendingRequest p, boolean chunk) {
        return (metadata, exception) -> {
            if (exception instanceof RecordTooLargeException) {
                p.outputFailed("an output record was larger than the output producer's max.request.size ("
                        + exception.getMessage() + "); raise output.producer.max.request.size and the topic's "
                        + "max.message.bytes, or shorten the answer with " + MAX_TOKENS);
            } else if (exception != null) {
                fatal.raise(new ConnectException(
                        "Could not write an output record of request " + p.requestId
                                + " to Kafka; the task stops so the request runs again after a restart",
                        exception));
                return; // never finished: its offset is not committed
            } else {
                metrics.recordBytesOut(
                        Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
                if (chunk) {
                    metrics.chunksWritten.incrementAndGet();
                }
            }
            if (p.acked()) {
                finished(p);
            }
        };
    }

    private void finished(PendingRequest p) {
        RequestOutcome o = p.outcome();
        if (o.completed() && p.outputFailure() == null) {
            // only the current owner of this offset may finish it: after a revoke and a quick re-assignment
            // the same offset may be running again as a new PendingRequest, which a late ack must not finish
            synchronized (assignmentLock) {
                if (!pending.remove(p.key, p)) {
                    return;
                }
                offsets.markDone(p.key);
            }
            metrics.requestsCompleted.incrementAndGet();
            if (o.result() != null) {
                add(metrics.inputTokens, o.result().inputTokens());
                add(metrics.outputTokens, o.result().outputTokens());
            }
            return;
        }
        if (p.outputFailure() == null) {
            var setupFailure = SetupErrors.taskFailure(o, config, "");
            if (setupFailure.isPresent()) {
                fatal.raise(setupFailure.get());
                return;
            }
        }
        failed.add(p);
    }

    private static void add(java.util.concurrent.atomic.AtomicLong counter, Long value) {
        if (value != null) {
            counter.addAndGet(value);
        }
    }

    /** For tests: the task's metrics. */
    TaskMetrics metrics() {
        return metrics;
    }
}
