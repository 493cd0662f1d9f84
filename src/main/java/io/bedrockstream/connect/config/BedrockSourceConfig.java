package io.bedrockstream.connect.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.storage.Converter;

/**
 * The source connector's config: the shared keys plus the consumer that reads the request topics. Its output
 * goes through the worker's producer and converters (so converters, SMTs and exactly-once support apply),
 * which is why it has no output producer or output converter keys.
 */
public class BedrockSourceConfig extends BedrockConnectorConfig {

    public static final String GROUP_SOURCE = "Source";
    public static final String SOURCE_TOPICS = "source.topics";
    public static final String SOURCE_TOPICS_REGEX = "source.topics.regex";
    public static final String SOURCE_REFRESH_INTERVAL_MS = "source.refresh.interval.ms";
    public static final String SOURCE_BOOTSTRAP_SERVERS = "source.bootstrap.servers";
    public static final String SOURCE_CONSUMER_PREFIX = "source.consumer.";
    public static final String SOURCE_KEY_CONVERTER = "source.key.converter";
    public static final String SOURCE_VALUE_CONVERTER = "source.value.converter";
    public static final String SOURCE_KEY_CONVERTER_PREFIX = SOURCE_KEY_CONVERTER + ".";
    public static final String SOURCE_VALUE_CONVERTER_PREFIX = SOURCE_VALUE_CONVERTER + ".";
    public static final String SOURCE_POLL_TIMEOUT_MS = "source.poll.timeout.ms";
    public static final String SOURCE_DLQ_TOPIC = "source.dlq.topic";
    /**
     * Set by the connector in each task config: the partitions the task reads. Not a user setting: only
     * {@link BedrockSourceTaskConfig} defines it.
     */
    public static final String TASK_ASSIGNED_PARTITIONS = "task.assigned.partitions";

    public BedrockSourceConfig(Map<?, ?> props) {
        super(configDef(), props);
    }

    protected BedrockSourceConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
    }

    public static ConfigDef configDef() {
        ConfigDef def = configDefWithoutOutputConverters();
        new Group(def, GROUP_SOURCE)
                .define(
                        SOURCE_TOPICS,
                        Type.LIST,
                        "",
                        null,
                        Importance.HIGH,
                        Width.LONG,
                        "Request topics",
                        "The topics the source connector reads request records from, comma-separated. Set this "
                                + "or " + SOURCE_TOPICS_REGEX + ", not both. Their partitions are dealt round-robin "
                                + "to the tasks and listed again every " + SOURCE_REFRESH_INTERVAL_MS + ": added "
                                + "partitions are served without a restart. A listed topic that does not exist "
                                + "(yet, or any more) contributes no partitions until it does.")
                .define(
                        SOURCE_TOPICS_REGEX,
                        Type.STRING,
                        "",
                        new RegexValidator(),
                        Importance.HIGH,
                        Width.LONG,
                        "Request topics regex",
                        "A Java regular expression matching whole request topic names, instead of "
                                + SOURCE_TOPICS + ", e.g. requests-.*. Topics that appear later are picked up at "
                                + "the next refresh. Internal topics (names starting with '_') and the connector's "
                                + "own output, completions and dead-letter topics never match.")
                .define(
                        SOURCE_REFRESH_INTERVAL_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Refresh interval (ms)",
                        "How often the connector lists its request topics and partitions again, in "
                                + "milliseconds; when they changed it asks the worker to reconfigure its tasks "
                                + "(as MirrorMaker 2's refresh.topics.interval.seconds). 0 lists them only at "
                                + "start. Default 60000.")
                .define(
                        SOURCE_BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new NonEmptyList("host:port"),
                        Importance.HIGH,
                        Width.LONG,
                        "Request bootstrap servers",
                        "The Kafka cluster holding the request topics, as host:port pairs, comma-separated. "
                                + "Required. Other consumer settings (security, fetch sizes...) go under the prefix "
                                + "source.consumer., e.g. source.consumer.security.protocol=SSL. The consumer never "
                                + "joins a group or commits: enable.auto.commit=false and byte-array deserializers "
                                + "are forced, isolation.level defaults to read_committed and auto.offset.reset "
                                + "(where a partition without a stored offset starts) to earliest.")
                .define(
                        SOURCE_KEY_CONVERTER,
                        Type.CLASS,
                        STRING_CONVERTER,
                        null,
                        Importance.MEDIUM,
                        Width.LONG,
                        "Request key converter",
                        "The Converter that reads request record keys before the request mapping sees them. Its "
                                + "settings go under the prefix source.key.converter. Default " + STRING_CONVERTER
                                + ".")
                .define(
                        SOURCE_VALUE_CONVERTER,
                        Type.CLASS,
                        STRING_CONVERTER,
                        null,
                        Importance.MEDIUM,
                        Width.LONG,
                        "Request value converter",
                        "The Converter that reads request record values before the request mapping sees them, "
                                + "e.g. org.apache.kafka.connect.json.JsonConverter for template mode. Its settings "
                                + "go under the prefix source.value.converter., e.g. "
                                + "source.value.converter.schemas.enable=false. Default " + STRING_CONVERTER + ".")
                .define(
                        SOURCE_POLL_TIMEOUT_MS,
                        Type.LONG,
                        200L,
                        Range.between(1, 60_000),
                        Importance.LOW,
                        Width.SHORT,
                        "Poll timeout (ms)",
                        "The longest one poll of the task waits for request records or output, in milliseconds. "
                                + "Between 1 and 60000; default 200.")
                .define(
                        SOURCE_DLQ_TOPIC,
                        Type.STRING,
                        "",
                        null,
                        Importance.MEDIUM,
                        Width.MEDIUM,
                        "Dead-letter topic",
                        "The topic that receives the request records that failed for good (invalid, or failed "
                                + "after their attempts), through the worker's producer and converters, with the "
                                + "headers bedrock.error.kind, bedrock.error.type, bedrock.error.message and "
                                + "bedrock.source.topic/partition/offset. Empty (the default) makes such a request "
                                + "fail the task with the reason, like errors.tolerance=none in a sink.");
        return def;
    }

    public List<String> sourceTopics() {
        return trimmed(getList(SOURCE_TOPICS));
    }

    public Optional<java.util.regex.Pattern> sourceTopicsRegex() {
        return nonEmpty(getString(SOURCE_TOPICS_REGEX)).map(java.util.regex.Pattern::compile);
    }

    public Duration refreshInterval() {
        return Duration.ofMillis(getLong(SOURCE_REFRESH_INTERVAL_MS));
    }

    /** Whether request records may be read uncommitted: then exactly-once does not hold. */
    public boolean readsUncommitted() {
        Object v = originals().get(SOURCE_CONSUMER_PREFIX + ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        return v != null && "read_uncommitted".equalsIgnoreCase(v.toString().trim());
    }

    public List<String> sourceBootstrapServers() {
        return trimmed(getList(SOURCE_BOOTSTRAP_SERVERS));
    }

    public Duration pollTimeout() {
        return Duration.ofMillis(getLong(SOURCE_POLL_TIMEOUT_MS));
    }

    public Optional<String> dlqTopic() {
        return nonEmpty(getString(SOURCE_DLQ_TOPIC));
    }

    /** {@code topic-partition} pairs, comma-separated, as {@link TopicPartition#toString()} writes them. */
    public static String encodePartitions(List<TopicPartition> partitions) {
        return String.join(
                ",", partitions.stream().map(TopicPartition::toString).toList());
    }

    /** One {@code topic-partition} pair, as {@link TopicPartition#toString()} writes it. */
    public static TopicPartition decodePartition(String tp) {
        int dash = tp.lastIndexOf('-'); // topic names may contain '-', the partition number never does
        return new TopicPartition(tp.substring(0, dash), Integer.parseInt(tp.substring(dash + 1)));
    }

    /**
     * The request consumer's settings: {@code source.consumer.*} with the bootstrap servers set and the
     * invariants forced. Offsets live in Connect's offset store, so the consumer never commits, and it reads
     * raw bytes that {@code source.*.converter} turn into Connect data.
     */
    public Map<String, Object> consumerConfigs() {
        Map<String, Object> configs = new HashMap<>(originalsWithPrefix(SOURCE_CONSUMER_PREFIX));
        configs.putIfAbsent(
                ConsumerConfig.CLIENT_ID_CONFIG, "bedrock-stream-source-" + connectorName() + "-" + taskIndex());
        configs.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        configs.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", sourceBootstrapServers()));
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        configs.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        configs.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        configs.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign() only: a group would only add rebalances
        return configs;
    }

    /** A new key converter for request records, configured from the {@code source.key.converter.} settings. */
    public Converter sourceKeyConverter() {
        return converter(SOURCE_KEY_CONVERTER, SOURCE_KEY_CONVERTER_PREFIX, true);
    }

    /** A new value converter for request records, configured from the {@code source.value.converter.} settings. */
    public Converter sourceValueConverter() {
        return converter(SOURCE_VALUE_CONVERTER, SOURCE_VALUE_CONVERTER_PREFIX, false);
    }
}
