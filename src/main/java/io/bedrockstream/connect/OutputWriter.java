package io.bedrockstream.connect;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import java.time.Duration;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.storage.Converter;

/**
 * Writes output records with the sink's own idempotent producer, serialised by the configured Connect
 * converters, so the output topic has the format the user's pipeline already reads.
 */
final class OutputWriter implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;
    private final Converter keyConverter;
    private final Converter valueConverter;
    private final String outputTopic;
    private final String completionsTopic;
    private final boolean includeRawChunk;
    private final boolean contextOnEveryChunk;

    OutputWriter(BedrockSinkConfig config) {
        this(
                new KafkaProducer<>(config.producerConfigs()),
                config.outputKeyConverter(),
                config.outputValueConverter(),
                config.outputTopic(),
                config.completionsTopic().orElse(null),
                config.outputChunkRaw(),
                config.outputChunkContext());
    }

    OutputWriter(
            Producer<byte[], byte[]> producer,
            Converter keyConverter,
            Converter valueConverter,
            String outputTopic,
            String completionsTopic,
            boolean includeRawChunk) {
        this(producer, keyConverter, valueConverter, outputTopic, completionsTopic, includeRawChunk, true);
    }

    OutputWriter(
            Producer<byte[], byte[]> producer,
            Converter keyConverter,
            Converter valueConverter,
            String outputTopic,
            String completionsTopic,
            boolean includeRawChunk,
            boolean contextOnEveryChunk) {
        this.producer = producer;
        this.keyConverter = keyConverter;
        this.valueConverter = valueConverter;
        this.outputTopic = outputTopic;
        this.completionsTopic = completionsTopic;
        this.includeRawChunk = includeRawChunk;
        this.contextOnEveryChunk = contextOnEveryChunk;
    }

    /**
     * Fetches the output (and completions) topic's metadata, so the first chunk's send need not wait for it. Any
     * thread; blocks up to the producer's {@code max.block.ms} when a topic is missing (the first send would too).
     */
    void prefetchMetadata() {
        producer.partitionsFor(outputTopic);
        if (completionsTopic != null) {
            producer.partitionsFor(completionsTopic);
        }
    }

    boolean writesCompletions() {
        return completionsTopic != null;
    }

    /**
     * Sends one chunk or terminal record. Called only from the task's single writer thread, so converters,
     * which are not promised to be thread-safe, are never used concurrently.
     */
    void send(OutputEvent event, Callback callback) {
        byte[] key = keyConverter.fromConnectData(outputTopic, OutputRecords.KEY_SCHEMA, event.requestId());
        byte[] value = valueConverter.fromConnectData(
                outputTopic,
                OutputRecords.CHUNK_SCHEMA,
                OutputRecords.toStruct(event, includeRawChunk, contextOnEveryChunk));
        producer.send(new ProducerRecord<>(outputTopic, key, value), callback);
    }

    void sendCompletion(RequestOutcome outcome, Callback callback) {
        byte[] key = keyConverter.fromConnectData(
                completionsTopic, OutputRecords.KEY_SCHEMA, outcome.request().requestId());
        byte[] value = valueConverter.fromConnectData(
                completionsTopic, OutputRecords.COMPLETION_SCHEMA, OutputRecords.toCompletionStruct(outcome));
        producer.send(new ProducerRecord<>(completionsTopic, key, value), callback);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Closes the producer, waiting at most {@code wait} for records not yet sent. */
    void close(Duration wait) {
        producer.close(wait);
    }
}
