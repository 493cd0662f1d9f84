package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.connect.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

class BedrockSourceConfigTest {

    @Test
    void theConsumerNeverCommitsNorJoinsAGroupAndReadsBytesWhateverTheUserWrites() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("source.consumer.enable.auto.commit", "true");
        props.put("source.consumer.key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        props.put("source.consumer.value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        props.put("source.consumer.group.id", "someone");
        props.put("source.consumer.bootstrap.servers", "elsewhere:9092");
        props.put("source.consumer.max.poll.records", "50");
        Map<String, Object> c = new BedrockSourceConfig(props).consumerConfigs();
        assertThat(c)
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
                .containsEntry("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
                .containsEntry("bootstrap.servers", "localhost:9092")
                .containsEntry("max.poll.records", "50")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("client.id", "bedrock-stream-source-bedrock-source-0")
                .doesNotContainKey("group.id");
    }

    @Test
    void isolationLevelAndResetPolicyAreDefaultsTheUserMayChange() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("source.consumer.isolation.level", "read_uncommitted");
        props.put("source.consumer.auto.offset.reset", "latest");
        assertThat(new BedrockSourceConfig(props).consumerConfigs())
                .containsEntry("isolation.level", "read_uncommitted")
                .containsEntry("auto.offset.reset", "latest");
    }

    @Test
    void defaultsAndAccessors() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("source.topics", " a, b ,");
        props.put("source.bootstrap.servers", "k1:9092, k2:9092");
        BedrockSourceConfig c = new BedrockSourceConfig(props);
        assertThat(c.sourceTopics()).containsExactly("a", "b");
        assertThat(c.sourceBootstrapServers()).containsExactly("k1:9092", "k2:9092");
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.dlqTopic()).isEmpty();
        assertThat(c.sourceKeyConverter()).isInstanceOf(StringConverter.class);
        assertThat(c.sourceValueConverter()).isInstanceOf(StringConverter.class);
        assertThat(new BedrockSourceTaskConfig(props).assignedPartitions()).isEmpty();
        props.put("source.dlq.topic", "dead");
        assertThat(new BedrockSourceConfig(props).dlqTopic()).contains("dead");
    }

    @Test
    void theValueConverterIsConfiguredFromItsPrefix() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("source.value.converter", JsonConverter.class.getName());
        props.put("source.value.converter.schemas.enable", "false");
        SchemaAndValue v = new BedrockSourceConfig(props)
                .sourceValueConverter()
                .toConnectData("requests", "{\"q\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(v.value()).isEqualTo(Map.of("q", "hi"));
    }

    @Test
    void theRequestClusterIsRequired() {
        // source.topics or source.topics.regex: a rule across two keys (BedrockSourceConnectorTest)
        for (String key : List.of("source.bootstrap.servers")) {
            Map<String, String> props = TestConfigs.validSource();
            props.remove(key);
            assertThatThrownBy(() -> new BedrockSourceConfig(props))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(key);
            props.put(key, " , ");
            assertThatThrownBy(() -> new BedrockSourceConfig(props))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("Must list at least one");
        }
    }

    @Test
    void theOutputIsTheWorkersSoThereIsNoProducerOrConverterOfItsOwn() {
        assertThat(BedrockSourceConfig.configDef().names())
                .doesNotContain("output.bootstrap.servers", "output.key.converter", "output.value.converter")
                .contains("output.topic", "output.completions.topic", "output.chunk.raw", "source.dlq.topic");
        assertThat(BedrockSourceConfig.configDef().groups())
                .containsExactly(
                        "Bedrock connection",
                        "Credentials",
                        "Model",
                        "Request mapping",
                        "Output",
                        "Flow control & retry",
                        "Errors",
                        "Source");
    }
}
