package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.bedrockstream.connect.TestConfigs;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class BedrockSinkConfigTest {

    static BedrockSinkConfig config(String... kv) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return new BedrockSinkConfig(props);
    }

    /** A task's config: the connector's plus the keys the connector sets per task. */
    static BedrockSinkTaskConfig taskConfig(String... kv) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return new BedrockSinkTaskConfig(props);
    }

    @Test
    void producerConfigsForceTheDeliveryInvariants() {
        Map<String, Object> p = config(
                        "output.bootstrap.servers", "broker-1:9092, broker-2:9092",
                        "output.producer.enable.idempotence", "false",
                        "output.producer.acks", "1",
                        "output.producer.key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                        "output.producer.value.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                        "output.producer.bootstrap.servers", "elsewhere:9092",
                        "output.producer.compression.type", "zstd",
                        "output.producer.linger.ms", "20")
                .producerConfigs();
        assertThat(p)
                .containsOnly(
                        entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker-1:9092,broker-2:9092"),
                        entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                        entry(ProducerConfig.ACKS_CONFIG, "all"),
                        entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
                        entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()),
                        entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"),
                        entry(ProducerConfig.LINGER_MS_CONFIG, "20"),
                        entry(ProducerConfig.BATCH_SIZE_CONFIG, "131072"),
                        entry(ProducerConfig.CLIENT_ID_CONFIG, "bedrock-stream-bedrock-sink-0"));
    }

    @Test
    void batchingDefaultsApplyOnlyWhereTheUserSetNothing() {
        Map<String, Object> defaults = config().producerConfigs();
        assertThat(defaults)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "1")
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        Map<String, Object> mine = config("output.producer.linger.ms", "0", "output.producer.batch.size", "16384")
                .producerConfigs();
        assertThat(mine)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "0")
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "16384");
    }

    @Test
    void producerConfigsAreAcceptedByKafka() {
        Map<String, Object> p = config("output.producer.acks", "0").producerConfigs();
        ProducerConfig pc = new ProducerConfig(p);
        assertThat(pc.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
        assertThat(pc.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
    }

    @Test
    void clientIdNamesConnectorAndTaskUnlessSet() {
        assertThat(taskConfig("task.index", "3").producerConfigs())
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "bedrock-stream-bedrock-sink-3");
        assertThat(taskConfig("task.index", "3", "output.producer.client.id", "mine")
                        .producerConfigs())
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "mine");
    }

    @Test
    void inFlightPerConnectionIsHonouredUpToFive() {
        assertThat(config("output.producer.max.in.flight.requests.per.connection", "2")
                        .producerConfigs())
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "2");
        assertThat(config("output.producer.max.in.flight.requests.per.connection", "10")
                        .producerConfigs())
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        assertThat(config("output.producer.max.in.flight.requests.per.connection", "many")
                        .producerConfigs())
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "many");
    }

    @Test
    void bootstrapServersAreRequired() {
        Map<String, String> props = TestConfigs.validSink();
        props.remove("output.bootstrap.servers");
        assertThatThrownBy(() -> new BedrockSinkConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("output.bootstrap.servers");
        props.put("output.bootstrap.servers", " ");
        assertThatThrownBy(() -> new BedrockSinkConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least one host:port");
    }

    @Test
    void sinkKeysAreInTheirOwnGroupAfterTheCommonOnes() {
        assertThat(BedrockSinkConfig.configDef().groups())
                .containsExactly(
                        "Bedrock connection",
                        "Credentials",
                        "Model",
                        "Request mapping",
                        "Output",
                        "Flow control & retry",
                        "Errors",
                        "Output producer");
        assertThat(BedrockConnectorConfig.configDef().configKeys()).doesNotContainKey("output.bootstrap.servers");
    }
}
