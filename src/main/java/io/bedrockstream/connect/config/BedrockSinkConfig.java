package io.bedrockstream.connect.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink connector's config: the shared keys plus the sink's own producer, which writes the output topic
 * (a sink task has no worker producer of its own to borrow).
 */
public class BedrockSinkConfig extends BedrockConnectorConfig {
    private static final Logger log = LoggerFactory.getLogger(BedrockSinkConfig.class);

    public static final String GROUP_PRODUCER = "Output producer";
    public static final String OUTPUT_BOOTSTRAP_SERVERS = "output.bootstrap.servers";
    public static final String OUTPUT_PRODUCER_PREFIX = "output.producer.";
    /** Idempotence allows at most this many in-flight batches per connection without reordering. */
    static final int MAX_IDEMPOTENT_IN_FLIGHT = 5;

    public BedrockSinkConfig(Map<?, ?> props) {
        super(configDef(), props);
    }

    protected BedrockSinkConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props);
    }

    public static ConfigDef configDef() {
        ConfigDef def = BedrockConnectorConfig.configDef();
        new Group(def, GROUP_PRODUCER)
                .define(
                        OUTPUT_BOOTSTRAP_SERVERS,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new NonEmptyList("host:port"),
                        Importance.HIGH,
                        Width.LONG,
                        "Output bootstrap servers",
                        "The Kafka cluster the sink writes output records to, as host:port pairs, comma-separated; "
                                + "usually the same cluster the requests come from. Required. Any other producer "
                                + "setting (security, compression, linger.ms, client.id...) goes under the prefix "
                                + "output.producer., e.g. output.producer.security.protocol=SSL. The producer is "
                                + "always idempotent with acks=all; client.id defaults to "
                                + "bedrock-stream-<connector>-<task>.");
        return def;
    }

    public List<String> outputBootstrapServers() {
        return trimmed(getList(OUTPUT_BOOTSTRAP_SERVERS));
    }

    /**
     * The output producer's settings: {@code output.producer.*} with the bootstrap servers set and the
     * delivery invariants forced, whatever the user wrote, because at-least-once output without duplicates
     * or reordering within a request depends on them.
     */
    public Map<String, Object> producerConfigs() {
        Map<String, Object> configs = new HashMap<>(originalsWithPrefix(OUTPUT_PRODUCER_PREFIX));
        configs.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "bedrock-stream-" + connectorName() + "-" + taskIndex());
        // a chunk is a token a reader is waiting for: wait at most 1 ms for company (Kafka 4's default is 5, 3.x's
        // 0). Under load batches still fill while earlier requests are in flight; a big batch.size costs no
        // latency. Throughput-bound users set output.producer.linger.ms=10 (see the README's benchmarks)
        configs.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "1");
        configs.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        configs.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", outputBootstrapServers()));
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        configs.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        configs.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Object inFlight = configs.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
        if (inFlight != null && parsesAbove(inFlight, MAX_IDEMPOTENT_IN_FLIGHT)) {
            log.warn(
                    "{}{}={} is above {}, the most an idempotent producer allows; using {}",
                    OUTPUT_PRODUCER_PREFIX,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    inFlight,
                    MAX_IDEMPOTENT_IN_FLIGHT,
                    MAX_IDEMPOTENT_IN_FLIGHT);
            configs.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IDEMPOTENT_IN_FLIGHT);
        }
        return configs;
    }

    /** A value that is not a number is left for the producer to reject with its own message. */
    private static boolean parsesAbove(Object value, int limit) {
        try {
            return Integer.parseInt(value.toString().trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
