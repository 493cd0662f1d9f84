package io.bedrockstream.streams;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A Kafka Streams topology that turns the connector's output topic (one record per chunk, one terminal per
 * invocation) into one {@link AnswerRecord} per request: the first {@code complete} invocation whose
 * chunks have all arrived. Failed attempts, duplicates and re-runs after a restart produce nothing more.
 *
 * <p>The input topic must be partitioned by request id (the connector keys every record by it), so that
 * all invocations of one request meet in one task. Values are read with {@link ChunkRecordSerde}; run the
 * application with {@link #streamsConfig}'s deserialization exception handler (or your own), so that a
 * malformed value is logged and skipped instead of stopping the application.
 */
public final class ChunkAssembler {
    public static final String PROCESSOR_NAME = "bedrock-chunk-assembler";
    public static final String INVOCATIONS_STORE = "bedrock-assembler-invocations";
    public static final String CHUNKS_STORE = "bedrock-assembler-chunks";
    public static final String ANSWERED_STORE = "bedrock-assembler-answered";

    /**
     * @param invocationIdleTimeout an invocation with no new chunk or terminal for this long is dropped
     * @param answeredRetention     how long a request id is remembered as answered, so that a re-run of it
     *                              is ignored; longer than the longest redelivery you expect
     * @param punctuationInterval   how often (wall clock) the two expiries run
     */
    public record Options(Duration invocationIdleTimeout, Duration answeredRetention, Duration punctuationInterval) {
        public Options {
            Objects.requireNonNull(invocationIdleTimeout, "invocationIdleTimeout");
            Objects.requireNonNull(answeredRetention, "answeredRetention");
            Objects.requireNonNull(punctuationInterval, "punctuationInterval");
            if (punctuationInterval.isZero() || punctuationInterval.isNegative()) {
                throw new IllegalArgumentException("punctuationInterval must be positive");
            }
        }

        /** 10 minutes idle timeout, 24 hours answered retention, expiry every minute. */
        public static Options defaults() {
            return new Options(Duration.ofMinutes(10), Duration.ofHours(24), Duration.ofMinutes(1));
        }
    }

    private ChunkAssembler() {}

    /** Adds the assembler reading {@code inputTopic} and writing answers to {@code outputTopic}. */
    public static KStream<String, AnswerRecord> addTo(
            StreamsBuilder builder, String inputTopic, String outputTopic, Options options) {
        KStream<String, AnswerRecord> answers = builder.stream(
                        inputTopic, Consumed.with(Serdes.String(), new ChunkRecordSerde()))
                .process(new Supplier(options), Named.as(PROCESSOR_NAME));
        answers.to(outputTopic, Produced.with(Serdes.String(), new AnswerRecordSerde()));
        return answers;
    }

    public static Topology buildTopology(String inputTopic, String outputTopic, Options options) {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, inputTopic, outputTopic, options);
        return builder.build();
    }

    /** Streams config for an assembler application: malformed input values are logged and skipped. */
    public static Properties streamsConfig(String applicationId, String bootstrapServers) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        return props;
    }

    private record Supplier(Options options) implements ProcessorSupplier<String, ChunkRecord, String, AnswerRecord> {
        @Override
        public Processor<String, ChunkRecord, String, AnswerRecord> get() {
            return new ChunkAssemblerProcessor(options);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            Serde<InvocationState> stateSerde = Serdes.serdeFrom(
                    (topic, state) -> Json.write(state), (topic, bytes) -> Json.read(bytes, InvocationState.class));
            return Set.of(
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(INVOCATIONS_STORE), Serdes.String(), stateSerde),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(CHUNKS_STORE), Serdes.Bytes(), Serdes.String()),
                    Stores.keyValueStoreBuilder(
                            Stores.persistentKeyValueStore(ANSWERED_STORE), Serdes.String(), Serdes.Long()));
        }
    }
}
