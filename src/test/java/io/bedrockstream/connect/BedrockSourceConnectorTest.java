package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.Version;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import io.bedrockstream.connect.config.BedrockSourceTaskConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

class BedrockSourceConnectorTest {

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Test
    void partitionsAreDealtRoundRobinByTopicThenPartition() {
        List<TopicPartition> partitions = List.of(tp("b", 1), tp("a", 2), tp("b", 0), tp("a", 0), tp("a", 1));
        assertThat(BedrockSourceConnector.deal(partitions, 2))
                .containsExactly(List.of(tp("a", 0), tp("a", 2), tp("b", 1)), List.of(tp("a", 1), tp("b", 0)));
        assertThat(BedrockSourceConnector.deal(partitions, 1))
                .containsExactly(List.of(tp("a", 0), tp("a", 1), tp("a", 2), tp("b", 0), tp("b", 1)));
    }

    @Test
    void neverMoreTasksThanPartitions() {
        assertThat(BedrockSourceConnector.deal(List.of(tp("a", 0), tp("a", 1)), 5))
                .containsExactly(List.of(tp("a", 0)), List.of(tp("a", 1)));
        assertThat(BedrockSourceConnector.deal(List.of(), 3)).isEmpty();
    }

    @Test
    void eachTaskConfigCarriesItsIndexAndPartitionsThatItsConfigReadsBack() {
        Map<String, String> props = TestConfigs.validSource();
        List<TopicPartition> partitions = List.of(tp("my-requests", 0), tp("my-requests", 1), tp("my-requests", 10));
        List<Map<String, String>> tasks = BedrockSourceConnector.taskConfigs(props, partitions, 2);
        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(0))
                .containsAllEntriesOf(props)
                .containsEntry(BedrockSourceConfig.TASK_ASSIGNED_PARTITIONS, "my-requests-0,my-requests-10");
        BedrockSourceTaskConfig first = new BedrockSourceTaskConfig(tasks.get(0));
        assertThat(first.taskIndex()).isZero();
        assertThat(first.assignedPartitions()).containsExactly(tp("my-requests", 0), tp("my-requests", 10));
        BedrockSourceTaskConfig second = new BedrockSourceTaskConfig(tasks.get(1));
        assertThat(second.taskIndex()).isEqualTo(1);
        assertThat(second.assignedPartitions()).containsExactly(tp("my-requests", 1));
    }

    @Test
    void startRefusesABrokenConfigWithWhatToFixBeforeContactingKafka() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("request.mode", "template");
        props.put("output.topic", "requests");
        assertThatThrownBy(() -> new BedrockSourceConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("set request.template")
                .hasMessageContaining("output.topic 'requests' is also a request topic in source.topics");
    }

    @Test
    void validateShowsCrossFieldProblemsNextToEveryKeyInvolved() {
        Map<String, String> props = TestConfigs.validSource();
        props.put("source.topics", "requests, more");
        props.put("output.completions.topic", "more");
        props.put("source.dlq.topic", "responses");
        Map<String, List<String>> errors = new BedrockSourceConnector()
                .validate(props).configValues().stream()
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
        assertThat(errors.get("output.completions.topic"))
                .singleElement()
                .asString()
                .contains("'more' is also a request topic");
        assertThat(errors.get("source.topics")).singleElement().asString().contains("'more' is also a request topic");
        assertThat(errors.get("source.dlq.topic"))
                .singleElement()
                .asString()
                .isEqualTo("source.dlq.topic must differ from output.topic: dead letters would mix with output.");
        assertThat(errors.get("output.topic")).singleElement().asString().startsWith("source.dlq.topic must differ");
        assertThat(errors.get("bedrock.model.id")).isEmpty();
    }

    @Test
    void aValidConfigValidatesCleanly() {
        assertThat(new BedrockSourceConnector()
                        .validate(TestConfigs.validSource())
                        .configValues())
                .allSatisfy(v -> assertThat(v.errorMessages()).as(v.name()).isEmpty());
    }

    @Test
    void supportsExactlyOnceWithPollBoundaries() {
        BedrockSourceConnector connector = new BedrockSourceConnector();
        assertThat(connector.exactlyOnceSupport(TestConfigs.validSource())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.canDefineTransactionBoundaries(TestConfigs.validSource()))
                .isEqualTo(ConnectorTransactionBoundaries.UNSUPPORTED);
    }

    @Test
    void describesItselfAndIsRegistered() throws Exception {
        BedrockSourceConnector connector = new BedrockSourceConnector();
        assertThat(connector.version()).isEqualTo(Version.get());
        assertThat(connector.taskClass()).isEqualTo(BedrockSourceTask.class);
        assertThat(connector.config().configKeys())
                .containsKeys("source.topics", "output.topic")
                .doesNotContainKeys("output.bootstrap.servers", "output.value.converter", "topics");
        try (InputStream in =
                getClass().getResourceAsStream("/META-INF/services/org.apache.kafka.connect.source.SourceConnector")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo(BedrockSourceConnector.class.getName());
        }
    }

    @Test
    void aSourcePartitionSerialisesToTheSameBytesAfterTheWorkerReadsItBack() {
        org.apache.kafka.connect.json.JsonConverter json = new org.apache.kafka.connect.json.JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), true);
        Map<String, Object> partition = BedrockSourceTask.sourcePartition(tp("requests", 3));
        byte[] stored = json.fromConnectData("offsets", null, List.of("bedrock-source", partition));
        Object readBack = json.toConnectData("offsets", stored).value();
        assertThat(json.fromConnectData("offsets", null, readBack)).isEqualTo(stored);
        assertThat(new String(stored, StandardCharsets.UTF_8))
                .isEqualTo("[\"bedrock-source\",{\"partition\":3,\"topic\":\"requests\"}]");
    }

    @Test
    void storedDoneOffsetsParseBack() {
        assertThat(SourceOffsets.parseRanges("4,7, 9"))
                .containsExactly(Map.entry(4L, 4L), Map.entry(7L, 7L), Map.entry(9L, 9L));
        assertThat(SourceOffsets.parseRanges(null)).isEmpty();
        assertThat(SourceOffsets.parseRanges("")).isEmpty();
    }

    @Test
    void exactlyOnceIsClaimedOnlyWhileRequestsAreReadCommitted() {
        BedrockSourceConnector c = new BedrockSourceConnector();
        Map<String, String> props = TestConfigs.validSource();
        assertThat(c.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        props.put("source.consumer.isolation.level", "read_uncommitted");
        assertThat(c.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.UNSUPPORTED);
        props.put("source.consumer.isolation.level", "read_committed");
        assertThat(c.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void requestTopicsComeFromAListOrAPatternNeverBothNorNeither() {
        Map<String, String> both = TestConfigs.validSource();
        both.put("source.topics.regex", "req-.*");
        Map<String, String> neither = TestConfigs.validSource();
        neither.remove("source.topics");
        Map<String, String> regex = TestConfigs.validSource();
        regex.remove("source.topics");
        regex.put("source.topics.regex", "req-.*");
        Map<String, String> broken = new java.util.HashMap<>(regex);
        broken.put("source.topics.regex", "req-(");
        BedrockSourceConnector c = new BedrockSourceConnector();
        assertThat(errors(c, both, "source.topics.regex")).anyMatch(m -> m.contains("not both"));
        assertThat(errors(c, neither, "source.topics")).anyMatch(m -> m.contains("source.topics.regex"));
        assertThat(errors(c, regex, "source.topics.regex")).isEmpty();
        assertThat(errors(c, broken, "source.topics.regex")).anyMatch(m -> m.contains("regular expression"));
    }

    private static List<String> errors(BedrockSourceConnector c, Map<String, String> props, String key) {
        return c.validate(props).configValues().stream()
                .filter(v -> v.name().equals(key))
                .flatMap(v -> v.errorMessages().stream())
                .toList();
    }

    @Test
    void offsetsGivenToTheRestApiAreCheckedWithClearReasons() {
        BedrockSourceConnector c = new BedrockSourceConnector();
        Map<String, String> props = TestConfigs.validSource();
        Map<String, Object> partition = Map.of("topic", "requests", "partition", 2);
        assertThat(c.alterOffsets(props, Map.of(partition, Map.of("offset", 5, "done", "7-9,12"))))
                .isTrue();
        java.util.Map<Map<String, ?>, Map<String, ?>> reset = new java.util.HashMap<>();
        reset.put(partition, null);
        assertThat(c.alterOffsets(props, reset)).isTrue();
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(Map.of("topic", "requests"), Map.of("offset", 1))))
                .hasMessageContaining("\"partition\": <partition, 0 or more>");
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(partition, Map.of("offset", -1))))
                .hasMessageContaining("0 or more");
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(partition, Map.of("kafka_offset", 1))))
                .hasMessageContaining("\"offset\"");
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(partition, Map.of("offset", 1, "done", "3-x"))))
                .hasMessageContaining("'3-x'");
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(partition, Map.of("offset", 5, "done", "2"))))
                .hasMessageContaining("must lie past");
        assertThatThrownBy(() -> c.alterOffsets(props, Map.of(partition, Map.of("offset", 5, "extra", 1))))
                .hasMessageContaining("'extra'");
    }
}
