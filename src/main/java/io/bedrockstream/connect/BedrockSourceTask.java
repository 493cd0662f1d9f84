package io.bedrockstream.connect;

import io.bedrockstream.Version;
import io.bedrockstream.bedrock.ErrorClassifier;
import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import io.bedrockstream.connect.config.BedrockSourceTaskConfig;
import io.bedrockstream.engine.EngineListener;
import io.bedrockstream.engine.EventType;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.engine.StreamEngine;
import io.bedrockstream.request.InvalidRequestException;
import io.bedrockstream.request.ModelRequest;
import io.bedrockstream.request.RequestMapper;
import io.bedrockstream.request.RequestRecord;
import io.bedrockstream.request.SourceCoordinates;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes its request partitions, runs each request through the streaming engine and hands the output to
 * Connect as source records, which the worker's producer writes (with its converters, SMTs and, when enabled,
 * transactions).
 *
 * <p>Threads: {@code poll} runs on the task thread and is the only user of the consumer, the offset tracker's
 * commit point and the record builders; engine events arrive on SDK threads and only go into a queue that
 * {@code poll} drains. {@code poll} never waits for a model.
 *
 * <p>Offsets ({@link SourceOffsets}): a record's source offset is {@code {"offset": next offset to read past every
 * finished request}}, plus {@code "done"}: ranges past that point whose requests finished out of order. A request
 * counts as finished at the moment its terminal record (its complete terminal, or its dead-letter record) is handed to
 * Connect, and that very record carries the offset that includes it. Connect commits an offset only when every
 * earlier record of the partition is written (at-least-once) or in the same transaction as the records
 * (exactly-once), so a committed offset never passes a request whose output is not durably written; and on
 * restart the {@code done} offsets are skipped, so under exactly-once no request completes twice.
 */
public class BedrockSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(BedrockSourceTask.class);

    static final String PARTITION_TOPIC = "topic";
    static final String PARTITION_NUMBER = "partition";
    static final String OFFSET = SourceOffsets.OFFSET;
    static final String OFFSET_DONE = SourceOffsets.OFFSET_DONE;
    static final String HEADER_ERROR_KIND = "bedrock.error.kind";
    static final String HEADER_ERROR_TYPE = "bedrock.error.type";
    static final String HEADER_ERROR_MESSAGE = "bedrock.error.message";
    static final String HEADER_SOURCE_TOPIC = "bedrock.source.topic";
    static final String HEADER_SOURCE_PARTITION = "bedrock.source.partition";
    static final String HEADER_SOURCE_OFFSET = "bedrock.source.offset";
    /** The most records one poll returns; the rest wait in the queue for the next poll. */
    static final int MAX_RECORDS_PER_POLL = 10_000;
    /**
     * While requests run, poll waits at most this long for output, so new request records are read promptly: a
     * request record produced meanwhile waits this long at most before its invocation starts. Output itself is
     * handed over as soon as it arrives. 10 ms costs ~100 empty consumer polls a second while busy.
     */
    private static final long BUSY_WAIT_MS = 10;
    /** How long stop() waits for poll() to let go of the consumer, and for the consumer to close. */
    static final Duration STOP_WAIT = Duration.ofSeconds(1);

    private final Function<BedrockSourceConfig, Consumer<byte[], byte[]>> consumers;
    private final Function<BedrockConnectorConfig, Invoker> invokers;

    private BedrockSourceTaskConfig config;
    private RequestMapper mapper;
    private Converter keyConverter;
    private Converter valueConverter;
    private StreamEngine engine;
    private Invoker invoker;
    private Thread warmUp;
    private TaskMetrics metrics;
    private Consumer<byte[], byte[]> consumer;
    private OutputSizes sizes;
    private final SourceOffsets offsets = new SourceOffsets();

    /** Requests accepted and not finished, by source coordinates; read by SDK threads. */
    private final Map<SourceCoordinates, Request> requests = new ConcurrentHashMap<>();
    /** Engine output waiting to be handed to Connect, in the order the engine emitted it. */
    private final LinkedBlockingQueue<Item> output = new LinkedBlockingQueue<>();

    // task thread only
    private final Map<TopicPartition, Map<String, Object>> partitionMaps = new HashMap<>();
    private Backpressure backpressure;

    /** Guards the consumer: stop() may run on another thread while poll() uses it. */
    private final Semaphore consumerAccess = new Semaphore(1);

    private volatile boolean stopping;

    /** One accepted request record, kept until it finishes for its dead letter. */
    private static final class Request {
        final SourceCoordinates at;
        final String requestId;
        final ConsumerRecord<byte[], byte[]> record;
        final SchemaAndValue key;
        final SchemaAndValue value;
        final long acceptedNanos = System.nanoTime();
        /** Its complete terminal, held back until its outcome so that the two go to Connect together. */
        volatile OutputEvent complete;

        Request(
                SourceCoordinates at,
                String requestId,
                ConsumerRecord<byte[], byte[]> record,
                SchemaAndValue key,
                SchemaAndValue value) {
            this.at = at;
            this.requestId = requestId;
            this.record = record;
            this.key = key;
            this.value = value;
        }
    }

    private sealed interface Item permits Event, Outcome {}

    private record Event(OutputEvent event) implements Item {}

    private record Outcome(RequestOutcome outcome) implements Item {}

    public BedrockSourceTask() {
        this(c -> new KafkaConsumer<>(c.consumerConfigs()), EngineWiring::invoker);
    }

    /** For tests: the request consumer and the Bedrock invoker a task gets for its config. */
    BedrockSourceTask(
            Function<BedrockSourceConfig, Consumer<byte[], byte[]>> consumers,
            Function<BedrockConnectorConfig, Invoker> invokers) {
        this.consumers = consumers;
        this.invokers = invokers;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new BedrockSourceTaskConfig(props);
        mapper = EngineWiring.mapper(config);
        keyConverter = config.sourceKeyConverter();
        valueConverter = config.sourceValueConverter();
        sizes = OutputSizes.of(props);
        backpressure = new Backpressure(config.maxInFlightRequests());
        List<TopicPartition> assigned = config.assignedPartitions();
        invoker = invokers.apply(config);
        engine = new StreamEngine(EngineWiring.engine(config), invoker, new Listener());
        warmUp = TaskWarmUp.start(config, invoker, null);
        metrics = new TaskMetrics(
                new Backlog(),
                () -> engine.effectiveLimit(),
                () -> engine.tokensReserved(),
                () -> engine.tokensSettledTotal(),
                () -> engine.learnedTokenBudget());
        metrics.register(context, config);
        metrics.trackPartitions(assigned);
        consumer = consumers.apply(config);
        consumer.assign(assigned);
        seekToStoredOffsets(assigned);
        log.info(
                "Bedrock source task {} started: partitions {}, model {}, output {}, max in flight {}",
                config.taskIndex(),
                assigned,
                config.modelId(),
                config.outputTopic(),
                config.maxInFlightRequests());
    }

    private void seekToStoredOffsets(List<TopicPartition> assigned) {
        List<Map<String, Object>> keys =
                assigned.stream().map(BedrockSourceTask::sourcePartition).toList();
        Map<Map<String, Object>, Map<String, Object>> stored =
                context.offsetStorageReader().offsets(keys);
        for (TopicPartition tp : assigned) {
            Map<String, Object> offset = stored == null ? null : stored.get(sourcePartition(tp));
            OptionalLong next;
            try {
                next = offsets.restore(tp, offset);
            } catch (IllegalArgumentException e) {
                throw new ConnectException(
                        "The stored source offset of " + tp + " cannot be read (" + e.getMessage()
                                + "); fix or reset it through the worker's offsets REST API",
                        e);
            }
            if (next.isEmpty()) {
                continue; // the consumer's auto.offset.reset decides where it starts
            }
            consumer.seek(tp, next.getAsLong());
            log.info(
                    "Partition {} resumes at offset {}{}",
                    tp,
                    next.getAsLong(),
                    offset.get(OFFSET_DONE) == null
                            ? ""
                            : ", skipping the requests already done at " + offset.get(OFFSET_DONE));
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        try {
            return pollOnce();
        } catch (ConnectException e) {
            throw metrics.withHealth(e);
        } catch (IllegalStateException e) {
            if (stopping) {
                return null; // stop() closed the engine while this poll was submitting (a worker stopping us)
            }
            throw e;
        }
    }

    private List<SourceRecord> pollOnce() throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        boolean busy = offsets.unfinishedTotal() > 0 || !output.isEmpty();
        if (!consumerAccess.tryAcquire()) {
            return null; // stopping
        }
        try {
            if (stopping) {
                return null;
            }
            ConsumerRecords<byte[], byte[]> consumed = consumer.poll(busy ? Duration.ZERO : config.pollTimeout());
            for (ConsumerRecord<byte[], byte[]> record : consumed) {
                accept(record, records);
            }
            applyBackpressure();
        } catch (WakeupException e) {
            return null; // stop() woke the consumer
        } finally {
            consumerAccess.release();
        }
        long waitMs = records.isEmpty() && offsets.unfinishedTotal() > 0
                ? Math.min(BUSY_WAIT_MS, config.pollTimeout().toMillis())
                : 0;
        drain(records, waitMs);
        return records.isEmpty() ? null : records;
    }

    // ---- requests in (task thread)

    private void accept(ConsumerRecord<byte[], byte[]> record, List<SourceRecord> out) {
        SourceCoordinates at = new SourceCoordinates(record.topic(), record.partition(), record.offset());
        if (offsets.read(RequestRecords.topicPartition(at), at.offset()) != SourceOffsets.Read.RUN) {
            // read before, or finished before a restart ahead of a request that was not: its output is written
            return;
        }
        metrics.requestsStarted.incrementAndGet();
        SchemaAndValue key;
        try {
            key = keyConverter.toConnectData(record.topic(), record.headers(), record.key());
        } catch (RuntimeException e) {
            // no key to name it by: the dead letter is keyed by the record's coordinates
            unreadable(
                    at,
                    record,
                    new SchemaAndValue(Schema.STRING_SCHEMA, at.requestId()),
                    raw(record.value()),
                    BedrockSourceConfig.SOURCE_KEY_CONVERTER,
                    e,
                    out);
            return;
        }
        SchemaAndValue value;
        try {
            value = valueConverter.toConnectData(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            unreadable(at, record, key, raw(record.value()), BedrockSourceConfig.SOURCE_VALUE_CONVERTER, e, out);
            return;
        }
        RequestRecord requestRecord = RequestRecords.from(at, key, value, record.headers());
        ModelRequest modelRequest;
        try {
            modelRequest = mapper.map(requestRecord);
        } catch (InvalidRequestException e) {
            Request request = new Request(at, mapper.requestId(requestRecord), record, key, value);
            log.warn("Request {} at {} is invalid ({}): {}", request.requestId, at, e.reason(), e.getMessage());
            deadLetter(
                    request,
                    BedrockRequestFailedException.invalidRequest(request.requestId, e.reason() + ": " + e.getMessage()),
                    out);
            return;
        }
        requests.put(at, new Request(at, modelRequest.requestId(), record, key, value));
        engine.submit(modelRequest);
    }

    /** A record a source converter cannot read is an invalid request; what could not be read goes on raw. */
    private void unreadable(
            SourceCoordinates at,
            ConsumerRecord<byte[], byte[]> record,
            SchemaAndValue key,
            SchemaAndValue value,
            String converterKey,
            RuntimeException e,
            List<SourceRecord> out) {
        String requestId = key.value() instanceof String k ? k : at.requestId();
        Request request = new Request(at, requestId, record, key, value);
        log.warn("Request {} at {} cannot be read by {}: {}", requestId, at, converterKey, e.getMessage());
        deadLetter(
                request,
                BedrockRequestFailedException.invalidRequest(
                        requestId,
                        "NOT_CONVERTIBLE: " + converterKey + " could not read the record: " + e.getMessage()),
                out);
    }

    private static SchemaAndValue raw(byte[] bytes) {
        return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, bytes);
    }

    /** Pauses every partition while too much is unfinished, so memory and the stored offset stay bounded. */
    private void applyBackpressure() {
        int unfinished = offsets.unfinishedTotal();
        switch (backpressure.update(unfinished)) {
            case PAUSE -> {
                consumer.pause(consumer.assignment());
                log.debug("Paused with {} requests unfinished", unfinished);
            }
            case RESUME -> {
                consumer.resume(consumer.assignment());
                log.debug("Resumed with {} requests unfinished", unfinished);
            }
            case NONE -> {}
        }
    }

    // ---- output (task thread)

    private void drain(List<SourceRecord> out, long waitMs) throws InterruptedException {
        if (waitMs > 0 && output.isEmpty()) {
            Item first = output.poll(waitMs, TimeUnit.MILLISECONDS);
            if (first == null) {
                return;
            }
            handle(first, out);
        }
        List<Item> items = new ArrayList<>();
        output.drainTo(items, Math.max(0, MAX_RECORDS_PER_POLL - out.size()));
        for (Item item : items) {
            handle(item, out);
        }
    }

    private void handle(Item item, List<SourceRecord> out) {
        if (item instanceof Event e) {
            OutputEvent event = e.event();
            TopicPartition tp = RequestRecords.topicPartition(event.source());
            out.add(chunkRecord(tp, event));
            if (event.event() == EventType.CHUNK) {
                metrics.chunksWritten.incrementAndGet();
            }
        } else if (item instanceof Outcome o) {
            finish(o.outcome(), out);
        }
    }

    private void finish(RequestOutcome outcome, List<SourceRecord> out) {
        ModelRequest r = outcome.request();
        SourceCoordinates at = r.source();
        Request request = requests.remove(at);
        if (request == null) {
            return;
        }
        TopicPartition tp = RequestRecords.topicPartition(at);
        if (outcome.completed()) {
            // Only the request's last record may carry the offset that includes it: Connect commits the offset
            // of the acknowledged prefix of a partition's records, so an earlier record (the complete terminal
            // before the completion) carrying it could commit "done" while the completion is not written yet.
            OutputEvent complete = request.complete;
            if (config.completionsTopic().isEmpty()) {
                markDone(at);
                if (complete != null) {
                    out.add(chunkRecord(tp, complete));
                }
            } else {
                if (complete != null) {
                    out.add(chunkRecord(tp, complete)); // the offset before this request is done
                }
                String tooLarge = sizes.tooLarge(completionRecord(tp, outcome));
                if (tooLarge != null) {
                    // the chunks and the complete terminal are written; the assembled answer cannot be
                    deadLetter(
                            request,
                            BedrockRequestFailedException.outputRefused(
                                    request.requestId, "its completion record " + tooLarge),
                            out);
                    return;
                }
                markDone(at);
                out.add(completionRecord(tp, outcome));
            }
            metrics.requestsCompleted.incrementAndGet();
            if (outcome.result() != null) {
                add(metrics.inputTokens, outcome.result().inputTokens());
                add(metrics.outputTokens, outcome.result().outputTokens());
            }
            return;
        }
        var setupFailure = SetupErrors.taskFailure(outcome, config, " at " + at);
        if (setupFailure.isPresent()) {
            throw setupFailure.get();
        }
        BedrockRequestFailedException reason = BedrockRequestFailedException.from(outcome);
        log.warn("Request {} at {} failed: {}", request.requestId, at, reason.getMessage());
        deadLetter(request, reason, out);
    }

    private SourceRecord completionRecord(TopicPartition tp, RequestOutcome outcome) {
        return new SourceRecord(
                partitionMap(tp),
                offsetMap(tp),
                config.completionsTopic().orElseThrow(),
                null,
                OutputRecords.KEY_SCHEMA,
                outcome.request().requestId(),
                OutputRecords.COMPLETION_SCHEMA,
                OutputRecords.toCompletionStruct(outcome));
    }

    /**
     * Writes a failed request to the dead-letter topic, or fails the task when there is none. The dead letter
     * is the request's last record, so it carries the offset that includes the request.
     */
    private void deadLetter(Request request, BedrockRequestFailedException reason, List<SourceRecord> out) {
        String dlq = config.dlqTopic()
                .orElseThrow(() -> new ConnectException(
                        "Request " + request.requestId
                                + " at " + request.at + " failed and " + BedrockSourceConfig.SOURCE_DLQ_TOPIC
                                + " is not set, so "
                                + "the task stops. Set " + BedrockSourceConfig.SOURCE_DLQ_TOPIC
                                + " to dead-letter such requests. "
                                + "Reason: " + reason.getMessage(),
                        reason));
        metrics.recordDeadLetter();
        markDone(request.at);
        TopicPartition tp = RequestRecords.topicPartition(request.at);
        SourceRecord letter = deadLetterRecord(request, reason, dlq, tp, request.value);
        String tooLarge = sizes.tooLarge(letter);
        if (tooLarge != null) {
            log.warn(
                    "The dead letter of request {} at {} {}; it is written without the request's value",
                    request.requestId,
                    request.at,
                    tooLarge);
            letter = deadLetterRecord(
                    request,
                    reason.withValueDropped(request.record.value()),
                    dlq,
                    tp,
                    new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, null));
        }
        out.add(letter);
    }

    private SourceRecord deadLetterRecord(
            Request request,
            BedrockRequestFailedException reason,
            String dlq,
            TopicPartition tp,
            SchemaAndValue value) {
        ConnectHeaders headers = new ConnectHeaders();
        request.record.headers().forEach(h -> copyHeader(headers, h.key(), h.value()));
        headers.addString(HEADER_ERROR_KIND, reason.kind().name())
                .addString(HEADER_ERROR_TYPE, reason.errorType())
                .addString(HEADER_ERROR_MESSAGE, reason.getMessage())
                .addString(HEADER_SOURCE_TOPIC, request.at.topic())
                .addString(HEADER_SOURCE_PARTITION, String.valueOf(request.at.partition()))
                .addString(HEADER_SOURCE_OFFSET, String.valueOf(request.at.offset()));
        return new SourceRecord(
                partitionMap(tp),
                offsetMap(tp),
                dlq,
                null,
                request.key.schema(),
                request.key.value(),
                value.schema(),
                value.value(),
                null,
                headers);
    }

    /**
     * A request header goes to the dead letter as a string when it is UTF-8 text (Connect's default header
     * converter writes it back byte for byte) and as bytes otherwise, never decoded into replacement characters.
     * With the default converter bytes arrive base64-encoded; {@link PassthroughHeaderConverter} writes them raw.
     */
    static void copyHeader(ConnectHeaders headers, String key, byte[] value) {
        if (value == null) {
            headers.add(key, null, Schema.OPTIONAL_BYTES_SCHEMA);
            return;
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
            headers.addString(key, text);
        } catch (CharacterCodingException e) {
            headers.addBytes(key, value);
        }
    }

    private void markDone(SourceCoordinates at) {
        offsets.finished(RequestRecords.topicPartition(at), at.offset());
    }

    private SourceRecord chunkRecord(TopicPartition tp, OutputEvent event) {
        return new SourceRecord(
                partitionMap(tp),
                offsetMap(tp),
                config.outputTopic(),
                null,
                OutputRecords.KEY_SCHEMA,
                event.requestId(),
                OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(event, config.outputChunkRaw(), config.outputChunkContext()));
    }

    /**
     * A HashMap, as MirrorMaker 2 uses, not {@code Map.of}: Connect stores the partition as its JSON bytes and
     * finds it again by those bytes, so the key order must be the same in every JVM. {@code Map.of} iterates
     * in an order randomised per JVM; a HashMap of these keys always iterates in one order, the same one the
     * worker gets back when it reads a stored partition into a HashMap.
     */
    static Map<String, Object> sourcePartition(TopicPartition tp) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(PARTITION_TOPIC, tp.topic());
        partition.put(PARTITION_NUMBER, tp.partition());
        return partition;
    }

    private Map<String, Object> partitionMap(TopicPartition tp) {
        return partitionMaps.computeIfAbsent(tp, p -> java.util.Collections.unmodifiableMap(sourcePartition(p)));
    }

    /** The partition's current source offset; the same map for every record until a request of it finishes. */
    private Map<String, Object> offsetMap(TopicPartition tp) {
        return offsets.offsetMap(tp);
    }

    private static void add(AtomicLong counter, Long value) {
        if (value != null) {
            counter.addAndGet(value);
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (warmUp != null) {
            warmUp.interrupt();
        }
        if (consumer != null) {
            consumer.wakeup();
        }
        if (engine != null) {
            engine.close();
        }
        if (invoker != null) {
            invoker.close(); // closes the SDK client it owns
        }
        if (consumer != null) {
            try {
                // bounded: Connect gives a task 5 s to stop, whatever the broker is doing
                if (consumerAccess.tryAcquire(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    consumer.close(STOP_WAIT);
                } else {
                    log.warn("The request consumer is still in use after {} ms; not closing it", STOP_WAIT.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (metrics != null) {
            metrics.close();
        }
        log.info("Bedrock source task stopped");
    }

    // ---- engine callbacks (SDK threads): only queue, never touch the consumer or the tracker's commit point

    private final class Listener implements EngineListener {
        @Override
        public void onEvent(OutputEvent event) {
            Request request = requests.get(event.source());
            if (request == null) {
                return;
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
            if (event.event() == EventType.COMPLETE) {
                if (event.firstByteLatencyMs() != null) {
                    metrics.recordFirstChunk(event.firstByteLatencyMs());
                }
                request.complete = event; // handed over with the outcome, which follows
                return;
            }
            output.add(new Event(event));
        }

        @Override
        public void onOutcome(RequestOutcome outcome) {
            output.add(new Outcome(outcome));
        }
    }

    /** Read by the metrics reporter's thread: only the concurrent map of running requests. */
    private final class Backlog implements TaskMetrics.Backlog {
        @Override
        public long unfinished() {
            return requests.size();
        }

        @Override
        public long oldestAgeMs() {
            long now = System.nanoTime();
            return requests.values().stream()
                            .mapToLong(r -> now - r.acceptedNanos)
                            .max()
                            .orElse(0)
                    / 1_000_000;
        }

        @Override
        public long maxPartitionBacklog() {
            Map<TopicPartition, Long> counts = new HashMap<>();
            requests.keySet().forEach(c -> counts.merge(RequestRecords.topicPartition(c), 1L, Long::sum));
            return counts.values().stream().mapToLong(Long::longValue).max().orElse(0);
        }

        @Override
        public long backlogOf(TopicPartition tp) {
            return requests.keySet().stream()
                    .filter(c -> RequestRecords.topicPartition(c).equals(tp))
                    .count();
        }
    }

    /** Counts what the worker's producer wrote for the task: the bytes-out metric. */
    @Override
    public void commitRecord(SourceRecord record, org.apache.kafka.clients.producer.RecordMetadata metadata) {
        if (metadata != null && metrics != null) {
            metrics.recordBytesOut(
                    Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
        }
    }

    /** For tests: the task's metrics. */
    TaskMetrics metrics() {
        return metrics;
    }
}
